/*
 * lock-holder.c - holds the lock of a port4me claims folder as another
 * port4me process would: an exclusive fcntl() record lock on the whole of
 * the file given (the folder's ".lock"), created if missing.  Prints
 * "locked <pid>" once it holds the lock, then waits until it is killed
 * (the kernel drops the lock then).  Test-only (test-claims-lock.R).
 *
 * Build:  cc -o lock-holder lock-holder.c
 * Use:    lock-holder /path/to/claims/.lock
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct flock fl;
  int fd;
  if (argc != 2) {
    fprintf(stderr, "usage: lock-holder FILE\n");
    return 2;
  }
  fd = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    perror("lock-holder: open");
    return 1;
  }
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;   /* the whole file, as port4me locks it */
  if (fcntl(fd, F_SETLKW, &fl) != 0) {
    perror("lock-holder: fcntl");
    return 1;
  }
  printf("locked %ld\n", (long) getpid());
  fflush(stdout);
  for (;;) pause();
}
