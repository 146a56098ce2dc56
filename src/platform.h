/* platform.h - the system headers of the modules that make system calls
 * (freeport.c, claims-posix.c, claims-win.c, error.c).  Include it first,
 * before any other header: the feature-test macros must come before the C
 * library's own headers.
 *
 * Feature-test macros only where they widen the set of names (glibc, musl,
 * Solaris, ...).  On macOS and the BSDs everything needed is visible by
 * default, and _POSIX_C_SOURCE would *hide* some names (e.g. IPV6_V6ONLY on
 * some versions). */
#ifndef P4M_PLATFORM_H
#define P4M_PLATFORM_H

#if !defined(_WIN32) && !defined(__APPLE__) && !defined(__FreeBSD__) && \
    !defined(__NetBSD__) && !defined(__OpenBSD__) && !defined(__DragonFly__)
# ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L
# endif
# ifndef _DEFAULT_SOURCE
#  define _DEFAULT_SOURCE 1    /* glibc: SOCK_CLOEXEC on old versions */
# endif
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef _WIN32
# ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
# endif
# include <winsock2.h>   /* before windows.h */
# include <ws2tcpip.h>
# include <windows.h>
#else
# include <fcntl.h>
# include <time.h>
# include <unistd.h>
# include <sys/types.h>
# include <sys/stat.h>
# include <sys/socket.h>
# include <netinet/in.h>
# include <arpa/inet.h>
# ifndef O_CLOEXEC
#  define O_CLOEXEC 0
# endif
# ifndef O_DIRECTORY
#  define O_DIRECTORY 0   /* callers check with fstat() as well */
# endif
# ifndef O_NOFOLLOW
#  define O_NOFOLLOW 0    /* callers compare device and inode as well */
# endif
#endif

#endif
