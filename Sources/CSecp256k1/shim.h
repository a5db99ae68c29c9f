// Debian's libsecp256k1-dev (bitcoin-core/secp256k1) with its recovery module: ECDSA signatures
// whose signer can be recovered, as Ethereum's EIP-712 signatures are.
#include <secp256k1.h>
#include <secp256k1_recovery.h>
