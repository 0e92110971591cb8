#ifndef ODB_CCRYPTO_SHIM_H
#define ODB_CCRYPTO_SHIM_H

// OpenSSL's SHA-256, for the checksum of every dump odb writes and reads.
#include <openssl/evp.h>

#endif
