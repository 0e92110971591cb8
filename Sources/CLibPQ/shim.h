#ifndef ODB_CLIBPQ_SHIM_H
#define ODB_CLIBPQ_SHIM_H

#include <libpq-fe.h>

// libpq's field codes are character-literal macros, which Swift does not import.
static const int ODB_PG_DIAG_SQLSTATE = 'C';
static const int ODB_PG_DIAG_MESSAGE_PRIMARY = 'M';
static const int ODB_PG_DIAG_MESSAGE_DETAIL = 'D';
static const int ODB_PG_DIAG_MESSAGE_HINT = 'H';

// glibc defines POSIX_SPAWN_SETSID only under _GNU_SOURCE, which Swift's Glibc module is not
// built with; the value is part of glibc's ABI.
#include <spawn.h>
#ifdef POSIX_SPAWN_SETSID
static const short ODB_POSIX_SPAWN_SETSID = POSIX_SPAWN_SETSID;
#else
static const short ODB_POSIX_SPAWN_SETSID = 0x80;
#endif

// pipe2 (a pipe whose ends no other program inherits) is declared only under _GNU_SOURCE too;
// glibc has had the function since 2.9.
#ifdef __linux__
int pipe2(int pipefd[2], int flags);
#endif

#endif
