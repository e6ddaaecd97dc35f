/* The buffer cases of instructions.py in C: rank 0 is measured, rank 1 its native peer. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int provided, rank;
  unsigned char buf[1] = {0};
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (argc != 3) {
    fprintf(stderr, "usage: %s Send|Recv|Isend ITERATIONS\n", argv[0]);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  const char *c = argv[1];
  int n = 20 + atoi(argv[2]); /* the same warm-up as the Python worker */
  if (strcmp(c, "Recv") == 0) { /* rank 1's messages are all queued before rank 0 receives */
    if (rank == 1)
      for (int i = 0; i < n; i++) MPI_Send(buf, 1, MPI_BYTE, 0, 0, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0)
      for (int i = 0; i < n; i++) MPI_Recv(buf, 1, MPI_BYTE, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (rank == 1) {
    for (int i = 0; i < n; i++) MPI_Recv(buf, 1, MPI_BYTE, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  } else if (strcmp(c, "Send") == 0) {
    for (int i = 0; i < n; i++) MPI_Send(buf, 1, MPI_BYTE, 1, 0, MPI_COMM_WORLD);
  } else if (strcmp(c, "Isend") == 0) {
    for (int i = 0; i < n; i++) {
      MPI_Request req;
      MPI_Isend(buf, 1, MPI_BYTE, 1, 0, MPI_COMM_WORLD, &req);
      MPI_Wait(&req, MPI_STATUS_IGNORE);
    }
  } else {
    fprintf(stderr, "unknown case %s\n", c);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}
