/* The physical limit: the benchmark cases that have a plain-MPI equivalent, called from C.
 *
 * Usage: mpiexec -n 2 pingpong BLOCKS CASE:ITERS [CASE:ITERS ...]
 * CASE is one of the case ids of bench/cases.py that this program knows (send_<bytes>,
 * allreduce_double, isend_irecv_64); others are answered with {"case": ..., "na": true}.
 * Rank 0 prints one JSON line per case: {"case": ID, "block_us": [per-operation µs, one per block]}.
 * The timing loop is the one of bench/pingpong.py: warm-up, then BLOCKS timed blocks of ITERS
 * operations, each block's mean per operation reported.
 *
 * MPI is initialised with the thread level named by MPI4PY_BENCH_THREAD_LEVEL (single, funneled,
 * serialized, multiple; default multiple, which is what mpi4py asks for unless told otherwise), the
 * same level pingpong.py sets through mpi4py.rc, so all contenders pay the same MPI-internal locking.
 *
 * Buffers are allocated the way numpy allocates the Python side's arrays (zeroed, and from 4 MiB up
 * advised for transparent huge pages, as numpy does on Linux), so the comparison measures the
 * binding and not two allocators.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NMSG 64
#define SMALL 8

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

/* One block: ITERS operations between two barriers, mean µs per operation (a ping-pong counts half). */
static double block(op_fn op, struct ctx *c, long iters, double scale)
{
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    for (long i = 0; i < iters; i++)
        op(c);
    double t1 = MPI_Wtime();
    return (t1 - t0) * 1e6 / (double)iters * scale;
}

static void run_case(const char *id, long iters, int blocks, struct ctx *c)
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
    long warm = iters / 10 + 1;
    for (long i = 0; i < warm; i++)
        op(c);
    if (c->rank == 0)
        printf("{\"case\": \"%s\", \"block_us\": [", id);
    for (int b = 0; b < blocks; b++) {
        double us = block(op, c, iters, scale);
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

static int thread_level(void)
{
    const char *name = getenv("MPI4PY_BENCH_THREAD_LEVEL");
    if (name == NULL || *name == '\0' || strcmp(name, "multiple") == 0)
        return MPI_THREAD_MULTIPLE;
    if (strcmp(name, "serialized") == 0)
        return MPI_THREAD_SERIALIZED;
    if (strcmp(name, "funneled") == 0)
        return MPI_THREAD_FUNNELED;
    if (strcmp(name, "single") == 0)
        return MPI_THREAD_SINGLE;
    fprintf(stderr, "pingpong: MPI4PY_BENCH_THREAD_LEVEL=%s is not one of single, funneled, serialized, multiple\n", name);
    exit(2);
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, thread_level(), &provided);
    struct ctx c;
    memset(&c, 0, sizeof c);
    int size;
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size != 2 || argc < 3) {
        if (c.rank == 0)
            fprintf(stderr, "usage: mpiexec -n 2 %s BLOCKS CASE:ITERS [CASE:ITERS ...] (got %d ranks)\n", argv[0], size);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    c.peer = 1 - c.rank;
    double sval = 1.0, rval = 0.0;
    c.sval = &sval;
    c.rval = &rval;
    c.sbufs = calloc(NMSG * SMALL, 1);
    c.rbufs = calloc(NMSG * SMALL, 1);
    int blocks = atoi(argv[1]);
    for (int a = 2; a < argc; a++) {
        char id[128];
        const char *colon = strchr(argv[a], ':');
        size_t n = colon ? (size_t)(colon - argv[a]) : strlen(argv[a]);
        if (colon == NULL || n >= sizeof id) {
            if (c.rank == 0)
                fprintf(stderr, "bad case argument %s: expected CASE:ITERS\n", argv[a]);
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
        memcpy(id, argv[a], n);
        id[n] = '\0';
        run_case(id, atol(colon + 1), blocks, &c);
    }
    free(c.sbufs);
    free(c.rbufs);
    MPI_Finalize();
    return 0;
}
