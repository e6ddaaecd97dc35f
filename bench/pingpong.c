/* The physical limit: the benchmark cases that have a plain-MPI equivalent, called from C.
 *
 * Usage: mpiexec -n 2 pingpong BLOCKS TARGET_S CASE [CASE ...]
 * CASE is one of the case ids of bench/cases.py that this program knows (send_<bytes>,
 * allreduce_double, isend_irecv_64); others are answered with {"case": ..., "na": true}.
 * Rank 0 prints one JSON line per case: {"case": ID, "iters": N, "block_us": [per-operation µs, one per block]}.
 * The timing loop is the one of bench/pingpong.py: warm-up, the iteration count grown until one block
 * lasts TARGET_S seconds (bench/stats.py:next_iterations, same constants below), then BLOCKS timed
 * blocks of that many operations, each block's mean per operation reported.
 *
 * MPI is initialised with the thread level named by MPI4PY_BENCH_THREAD_LEVEL (single, funneled,
 * serialized, multiple; default multiple, which is what mpi4py asks for unless told otherwise), the
 * same level pingpong.py sets through mpi4py.rc, so all contenders pay the same MPI-internal locking.
 *
 * Buffers are allocated the way numpy allocates the Python side's arrays (zeroed, and from 4 MiB up
 * advised for transparent huge pages, as numpy does on Linux), so the comparison measures the
 * binding and not two allocators.
 */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NMSG 64
#define SMALL 8
/* bench/stats.py's block growth rule (test_bench_stats checks these match). */
#define GROWTH_MARGIN 1.2
#define GROWTH_CAP 16
#define MAX_ITERATIONS (1L << 30)

typedef void (*op_fn)(void *state);

static char *alloc_buffer(size_t n)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, n ? n : 1) != 0) {
        fprintf(stderr, "pingpong: cannot allocate %zu bytes\n", n);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
#ifdef MADV_HUGEPAGE
    if (n >= ((size_t)4 << 20)) {
        uintptr_t page = 4096, lo = ((uintptr_t)p + page - 1) & ~(page - 1), hi = ((uintptr_t)p + n) & ~(page - 1);
        if (hi > lo)
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
    memset(p, 0, n);
    return p;
}

struct ctx {
    int rank, peer;
    char *buf;
    int size;
    double *sval, *rval;
    char *sbufs, *rbufs;
    MPI_Request reqs[2 * NMSG];
};

static void op_send(void *p)
{
    struct ctx *c = p;
    if (c->rank == 0) {
        MPI_Send(c->buf, c->size, MPI_BYTE, c->peer, 0, MPI_COMM_WORLD);
        MPI_Recv(c->buf, c->size, MPI_BYTE, c->peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(c->buf, c->size, MPI_BYTE, c->peer, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(c->buf, c->size, MPI_BYTE, c->peer, 0, MPI_COMM_WORLD);
    }
}

static void op_allreduce(void *p)
{
    struct ctx *c = p;
    MPI_Allreduce(c->sval, c->rval, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

static void op_isend_irecv(void *p)
{
    struct ctx *c = p;
    for (int i = 0; i < NMSG; i++)
        MPI_Irecv(c->rbufs + i * SMALL, SMALL, MPI_BYTE, c->peer, i, MPI_COMM_WORLD, &c->reqs[i]);
    for (int i = 0; i < NMSG; i++)
        MPI_Isend(c->sbufs + i * SMALL, SMALL, MPI_BYTE, c->peer, i, MPI_COMM_WORLD, &c->reqs[NMSG + i]);
    MPI_Waitall(2 * NMSG, c->reqs, MPI_STATUSES_IGNORE);
}

/* One block: ITERS operations between two barriers; seconds on rank 0's clock. */
static double block(op_fn op, struct ctx *c, long iters)
{
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long i = 0; i < iters; i++)
        op(c);
    return MPI_Wtime() - t0;
}

/* bench/stats.py:next_iterations: 0 when long enough, else the larger count to try. */
static long next_iterations(long iters, double elapsed, double target)
{
    if (elapsed >= target || iters >= MAX_ITERATIONS)
        return 0;
    double cap = (double)iters * GROWTH_CAP;
    double wanted = elapsed > 0 ? ceil((double)iters * target / elapsed * GROWTH_MARGIN) : cap;
    if (wanted < (double)(iters + 1))
        wanted = (double)(iters + 1);
    if (wanted > cap)
        wanted = cap;
    if (wanted > (double)MAX_ITERATIONS)
        wanted = (double)MAX_ITERATIONS;
    return (long)wanted;
}

/* Grow the count until a block lasts TARGET seconds; rank 0 decides, so both ranks run the same blocks. */
static long calibrate(op_fn op, struct ctx *c, double target)
{
    long iters = 1;
    for (;;) {
        double elapsed = block(op, c, iters);
        long next = c->rank == 0 ? next_iterations(iters, elapsed, target) : 0;
        MPI_Bcast(&next, 1, MPI_LONG, 0, MPI_COMM_WORLD);
        if (next == 0)
            return iters;
        iters = next;
    }
}

static void run_case(const char *id, double target, int blocks, struct ctx *c)
{
    op_fn op = NULL;
    double scale = 1.0;
    if (strncmp(id, "send_", 5) == 0) {
        c->size = atoi(id + 5);
        c->buf = alloc_buffer((size_t)c->size);
        op = op_send;
        scale = 0.5;
    } else if (strcmp(id, "allreduce_double") == 0) {
        op = op_allreduce;
    } else if (strcmp(id, "isend_irecv_64") == 0) {
        op = op_isend_irecv;
    }
    if (op == NULL) {
        if (c->rank == 0)
            printf("{\"case\": \"%s\", \"na\": true}\n", id);
        return;
    }
    for (int i = 0; i < 3; i++)
        op(c); /* warm-up: first-touch of buffers, connection set-up */
    long iters = calibrate(op, c, target);
    if (c->rank == 0)
        printf("{\"case\": \"%s\", \"iters\": %ld, \"block_us\": [", id, iters);
    for (int b = 0; b < blocks; b++) {
        double us = block(op, c, iters) * 1e6 / (double)iters * scale;
        if (c->rank == 0)
            printf("%s%.6g", b ? ", " : "", us);
    }
    if (c->rank == 0) {
        printf("]}\n");
        fflush(stdout);
    }
    free(c->buf);
    c->buf = NULL;
}

static const char *LEVEL_NAMES[] = {"single", "funneled", "serialized", "multiple"};

static int thread_level(void)
{
    const char *name = getenv("MPI4PY_BENCH_THREAD_LEVEL");
    if (name == NULL || *name == '\0')
        name = "multiple";
    for (int i = 0; i < 4; i++)
        if (strcmp(name, LEVEL_NAMES[i]) == 0)
            return (int[]){MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE}[i];
    fprintf(stderr, "pingpong: MPI4PY_BENCH_THREAD_LEVEL=%s is not one of single, funneled, serialized, multiple\n", name);
    exit(2);
}

static const char *level_name(int level)
{
    int levels[] = {MPI_THREAD_SINGLE, MPI_THREAD_FUNNELED, MPI_THREAD_SERIALIZED, MPI_THREAD_MULTIPLE};
    for (int i = 0; i < 4; i++)
        if (levels[i] == level)
            return LEVEL_NAMES[i];
    return "unknown";
}

int main(int argc, char **argv)
{
    int provided, requested = thread_level();
    MPI_Init_thread(&argc, &argv, requested, &provided);
    struct ctx c;
    memset(&c, 0, sizeof c);
    int size;
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2 || argc < 4) {
        if (c.rank == 0)
            fprintf(stderr, "usage: mpiexec -n 2 %s BLOCKS TARGET_S CASE [CASE ...] (got %d ranks)\n", argv[0], size);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int blocks = atoi(argv[1]);
    double target = atof(argv[2]);
    if (blocks < 1 || !(target > 0)) {
        if (c.rank == 0)
            fprintf(stderr, "pingpong: BLOCKS must be >= 1 and TARGET_S > 0, got %s %s\n", argv[1], argv[2]);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    if (c.rank == 0) {
        printf("{\"thread_level\": {\"requested\": \"%s\", \"provided\": \"%s\"}}\n", level_name(requested), level_name(provided));
        fflush(stdout);
    }
    c.peer = 1 - c.rank;
    double sval = 1.0, rval = 0.0;
    c.sval = &sval;
    c.rval = &rval;
    c.sbufs = calloc(NMSG * SMALL, 1);
    c.rbufs = calloc(NMSG * SMALL, 1);
    for (int a = 3; a < argc; a++)
        run_case(argv[a], target, blocks, &c);
    free(c.sbufs);
    free(c.rbufs);
    MPI_Finalize();
    return 0;
}
