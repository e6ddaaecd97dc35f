# frozen_string_literal: true

# A stand-in for `brew install --build-from-source` + `brew test` where there is no Homebrew.
#
# It implements only the formula DSL that packaging/homebrew/mpi4py.rb uses, and does what brew
# does with it: fetches the source (a `using: :git` url is cloned; an archive url is checked against
# the formula's sha256 and unpacked), runs `install` with the dependencies' bin directories on PATH,
# then "links" the keg (its site-packages go on PYTHONPATH, as Homebrew's Python finds linked kegs)
# and runs `test do` in an empty directory.  Any DSL method it does not know fails loudly.
#
#   ruby harness.rb --formula mpi4py.rb --opt OPT --prefix DIR [--test-env NAME=VALUE ...]
#   ruby harness.rb --formula release/mpi4py.rb --source dist/mpi4py-X.tar.gz --check-source
#
# The second form only checks a release formula against the archive its url names (sha256, the
# url form `brew audit --strict` accepts) without building.
# OPT/<dependency>/ stands for each dependency's opt prefix (opt_bin = OPT/<dep>/bin, ...); the
# caller fills it (conf/noxlib/recipes.py: Debian's Open MPI, a Python venv, Cython from PyPI).

require "digest"
require "fileutils"
require "open3"
require "optparse"
require "pathname"
require "tmpdir"

class HarnessError < StandardError; end

# Homebrew's Pathname#install: move files into this directory.
class Pathname
  def install(*sources)
    mkpath
    sources.flatten.each do |src|
      src = Pathname(src.to_s)
      raise HarnessError, "install: #{src} does not exist (cwd #{Dir.pwd})" unless src.exist?

      FileUtils.mv(src.to_s, (self / src.basename).to_s)
    end
  end
end

# Homebrew's ENV extensions used by the formula.
def ENV.prepend_path(name, value)
  self[name] = [value.to_s, self[name]].compact.reject(&:empty?).join(File::PATH_SEPARATOR)
end

module Language
  module Python
    def self.major_minor_version(python)
      out, status = Open3.capture2(python.to_s, "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
      raise HarnessError, "cannot run #{python} to ask its version" unless status.success?

      out.strip
    end

    def self.site_packages(python)
      "lib/python#{major_minor_version(python)}/site-packages"
    end
  end
end

# What Formula["name"] returns: the opt paths of a dependency.
class Dependency
  attr_reader :name, :opt_prefix

  def initialize(name, opt_prefix)
    @name = name
    @opt_prefix = opt_prefix
  end

  def opt_bin = opt_prefix / "bin"
  def opt_lib = opt_prefix / "lib"
  def opt_include = opt_prefix / "include"
  def opt_libexec = opt_prefix / "libexec"
end

class Formula
  class << self
    attr_reader :formula_class

    def inherited(subclass)
      super
      @formula_class = subclass
    end

    attr_accessor :opt_root

    def [](name)
      dir = Formula.opt_root / name
      raise HarnessError, "Formula[#{name.inspect}]: no #{dir}; the harness caller must provide this dependency" unless dir.directory?

      Dependency.new(name, dir)
    end

    # --- class-level DSL -------------------------------------------------------------------
    def meta = (@meta ||= {})
    def deps = (@deps ||= [])

    %i[desc homepage sha256 license version].each do |field|
      define_method(field) { |value| meta[field] = value }
    end

    def url(value, **options)
      meta[:url] = value
      meta[:url_options] = options
    end

    def git_source? = meta.fetch(:url_options, {})[:using] == :git

    def depends_on(spec)
      name, tags = spec.is_a?(Hash) ? spec.first : [spec, []]
      deps << [name, Array(tags)]
    end

    def test(&block) = (@test_block = block)
    attr_reader :test_block

    def method_missing(name, *args)
      raise HarnessError, "formula DSL `#{name}` is not implemented by harness.rb (args #{args.inspect}); add it here"
    end

    def respond_to_missing?(*) = false
  end

  attr_reader :prefix, :buildpath, :testpath

  def initialize(prefix, buildpath)
    @prefix = prefix
    @buildpath = buildpath
  end

  def name = self.class.name.gsub(/([a-z0-9])([A-Z])/, '\1-\2').downcase
  def bin = prefix / "bin"
  def lib = prefix / "lib"
  def libexec = prefix / "libexec"
  def pkgshare = prefix / "share" / name

  # An explicit `version`, else inferred from the url's file name (as Homebrew does).
  def version
    return self.class.meta[:version] if self.class.meta[:version]

    file = File.basename(self.class.meta.fetch(:url))
    match = file.match(/-(\d+(?:\.\d+)+[a-z0-9]*)\.(?:tar\.gz|tgz|tar\.xz|zip)\z/)
    raise HarnessError, "cannot infer the version from url #{file}" unless match

    match[1]
  end

  # Same list as Homebrew's Formula#std_pip_args.
  def std_pip_args(prefix: self.prefix, build_isolation: false)
    args = ["--verbose", "--no-deps", "--no-binary=:all:", "--ignore-installed", "--no-compile"]
    args << "--prefix=#{prefix}" if prefix
    args << "--no-build-isolation" unless build_isolation
    args
  end

  def system(cmd, *args)
    argv = [cmd, *args].map(&:to_s)
    puts "==> #{argv.join(" ")}"
    return if Kernel.system(*argv)

    raise HarnessError, "failed (#{$?.exitstatus.inspect}): #{argv.join(" ")}"
  end

  def shell_output(cmd, status = 0)
    puts "==> #{cmd}"
    out, st = Open3.capture2(cmd)
    $stdout.write(out)
    raise HarnessError, "#{cmd}: exit status #{st.exitstatus}, expected #{status}" unless st.exitstatus == status

    out
  end

  def which(cmd)
    ENV.fetch("PATH", "").split(File::PATH_SEPARATOR).map { |d| Pathname(d) / cmd }.find(&:executable?)
  end

  def assert_match(expected, actual)
    ok = expected.is_a?(Regexp) ? expected.match?(actual) : actual.include?(expected.to_s)
    raise HarnessError, "assert_match: #{expected.inspect} not found in #{actual.inspect}" unless ok
  end

  def method_missing(name, *args)
    raise HarnessError, "formula method `#{name}` is not implemented by harness.rb (args #{args.inspect}); add it here"
  end

  def respond_to_missing?(*) = false

  def run_test(testpath)
    @testpath = testpath
    instance_exec(&self.class.test_block)
  end
end

def parse_options(argv)
  opts = { test_env: {} }
  OptionParser.new do |o|
    o.banner = "usage: ruby harness.rb --formula F.rb --opt DIR --prefix DIR [--test-env NAME=VALUE] | " \
               "--formula F.rb --source SDIST --check-source"
    o.on("--formula FILE") { |v| opts[:formula] = Pathname(v).expand_path }
    o.on("--source FILE") { |v| opts[:source] = Pathname(v).expand_path }
    o.on("--check-source") { opts[:check_source] = true }
    o.on("--opt DIR") { |v| opts[:opt] = Pathname(v).expand_path }
    o.on("--prefix DIR") { |v| opts[:prefix] = Pathname(v).expand_path }
    o.on("--test-env NAME=VALUE") do |v|
      key, value = v.split("=", 2)
      raise OptionParser::InvalidArgument, "--test-env #{v}: expected NAME=VALUE" if value.nil? || key.empty?

      opts[:test_env][key] = value
    end
  end.parse!(argv)
  required = opts[:check_source] ? %i[formula source] : %i[formula opt prefix]
  required.each do |key|
    raise OptionParser::MissingArgument, "--#{key} is required" unless opts[key]
  end
  opts
end

# What `brew audit --strict` says of PyPI urls: only the long (hashed) files.pythonhosted.org form.
AUDIT_REJECTED_URLS = [%r{\Ahttps?://pypi\.python\.org/}, %r{\Ahttps?://files\.pythonhosted\.org/packages/source/}].freeze

def check_fields(klass)
  %i[url desc homepage license].each do |field|
    raise HarnessError, "formula has no #{field}" unless klass.meta[field]
  end
end

# A release formula: an archive url brew audit accepts, and the archive's sha256.
def check_archive(klass, source)
  meta = klass.meta
  raise HarnessError, "formula url #{meta[:url]} is a git source; a release formula names the sdist" if klass.git_source?
  raise HarnessError, "formula has no sha256" unless meta[:sha256]

  rejected = AUDIT_REJECTED_URLS.find { |pattern| pattern.match?(meta[:url]) }
  raise HarnessError, "brew audit --strict rejects url #{meta[:url]} (#{rejected.source}): use the hashed PyPI url" if rejected

  expected_name = File.basename(meta[:url])
  raise HarnessError, "--source #{source}: no such file" unless source&.file?
  raise HarnessError, "--source #{source.basename} is not the formula's url file #{expected_name}" unless source.basename.to_s == expected_name

  actual = Digest::SHA256.file(source).hexdigest
  return if actual == meta[:sha256]

  raise HarnessError, "sha256 mismatch for #{source}: formula says #{meta[:sha256]}, file is #{actual}; " \
                      "regenerate the release formula (nox -s release_recipes)"
end

# The in-tree formula: a git url (a clone of the checkout's HEAD), an explicit version, no sha256.
def fetch_git(klass, dest)
  meta = klass.meta
  raise HarnessError, "a git url has no sha256 (Homebrew checks none), found #{meta[:sha256]}" if meta[:sha256]
  raise HarnessError, "a git url needs an explicit version" unless meta[:version]

  system("git", "clone", "--quiet", meta[:url], dest.to_s, exception: true)
  dest
end

def unpack_archive(source, tmp)
  system("tar", "-xzf", source.to_s, "-C", tmp, exception: true)
  tops = Dir.children(tmp)
  raise HarnessError, "#{source}: expected one top directory, found #{tops.inspect}" unless tops.size == 1

  Pathname(tmp) / tops.first
end

def with_env(changes)
  saved = ENV.to_h
  changes.each { |k, v| ENV[k] = v }
  yield
ensure
  ENV.replace(saved)
end

def dep_path(klass, opt_root)
  klass.deps.map do |name, _tags|
    dir = opt_root / name
    raise HarnessError, "depends_on #{name.inspect}: #{dir} is missing; provide the dependency there" unless dir.directory?

    (dir / "bin").to_s
  end.select { |d| File.directory?(d) }
end

def main(argv)
  opts = parse_options(argv)
  Formula.opt_root = opts[:opt]
  load opts[:formula].to_s
  klass = Formula.formula_class or raise HarnessError, "#{opts[:formula]} defines no Formula subclass"
  check_fields(klass)
  if opts[:check_source]
    check_archive(klass, opts[:source])
    puts "==> #{opts[:formula].basename}: url #{klass.meta[:url]}, sha256 matches #{opts[:source].basename}"
    return 0
  end
  check_archive(klass, opts[:source]) unless klass.git_source?
  path = [*dep_path(klass, opts[:opt]), ENV.fetch("PATH", "")].join(File::PATH_SEPARATOR)
  FileUtils.rm_rf(opts[:prefix])

  Dir.mktmpdir("brew-build-") do |tmp|
    buildpath = klass.git_source? ? fetch_git(klass, Pathname(tmp) / "src") : unpack_archive(opts[:source], tmp)
    formula = klass.new(opts[:prefix], buildpath)
    puts "==> install #{formula.name} #{formula.version} into #{opts[:prefix]}"
    t0 = Time.now
    with_env("PATH" => path) { Dir.chdir(buildpath) { formula.instance_exec { install } } }
    raise HarnessError, "install left #{opts[:prefix]} empty" if Dir.glob("#{opts[:prefix]}/**/*").empty?

    puts format("==> install done in %.1f s", Time.now - t0)

    # `brew link` + Homebrew's Python: the keg's site-packages are importable.
    site = Dir.glob("#{opts[:prefix]}/lib/python*/site-packages")
    raise HarnessError, "install put no lib/python*/site-packages under #{opts[:prefix]}" if site.empty?

    test_env = { "PATH" => path, "PYTHONPATH" => site.join(File::PATH_SEPARATOR) }.merge(opts[:test_env])
    Dir.mktmpdir("brew-test-") do |testpath|
      t1 = Time.now
      with_env(test_env) { Dir.chdir(testpath) { formula.run_test(Pathname(testpath)) } }
      puts format("==> test do: passed in %.1f s", Time.now - t1)
    end
  end
  0
rescue HarnessError, OptionParser::ParseError => e
  warn "harness.rb: error: #{e.message}"
  1
end

exit(main(ARGV)) if $PROGRAM_NAME == __FILE__
