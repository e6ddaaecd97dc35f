"""Build configuration shared by the setuptools, scikit-build-core and meson-python builds."""
