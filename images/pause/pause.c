/*
 * The pod sandbox ("infra") container of the local node: it holds the pod's network namespace
 * open and does nothing else. Built here (static, no libc beyond what is linked in) because the
 * upstream image cannot be pulled on a machine without access to public registries.
 *
 * What it must do: sleep until told to stop; exit 0 on SIGINT/SIGTERM so the runtime's stop is
 * quick; and, as PID 1 of a shared PID namespace, reap orphaned children so they never pile up
 * as zombies.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno; /* a handler must not clobber errno of the code it interrupted */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int install(int sig, void (*handler)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  /* SA_NOCLDSTOP: stopped children are not our business, only exited ones. */
  action.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : 0;
  return sigaction(sig, &action, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("shopwatch-pause 1");
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "pause: warning: not PID 1, zombies of other processes will not be reaped\n");
  }
  if (install(SIGINT, on_stop) != 0 || install(SIGTERM, on_stop) != 0 || install(SIGCHLD, on_child) != 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();
  }
}
