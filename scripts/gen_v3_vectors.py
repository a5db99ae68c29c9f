#!/usr/bin/env python3
"""Known-answer vectors for AsterKit's V3 (EIP-712 agent wallet) signing, made by an independent
implementation: Python eth-account, exactly as the official V3 example signs
(encode_structured_data / encode_typed_data of the "AsterSignTransaction" domain).

    pip install eth-account
    python3 scripts/gen_v3_vectors.py > Tests/AsterTestSupport/Fixtures/v3Signatures.json

The private key is the spec's published demonstration key (it guards nothing).
"""
import json
import sys

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

PRIVATE_KEY = "0x4fd0a42218f3eae43a6ce26d22544e986139a01e5b34a62db53757ffca81bae1"
USER = "0x63DD5aCC6b1aa0f563956C0e534DD30B6dcF7C4e"
SIGNER = "0x21cF8Ae13Bb72632562c6Fff438652Ba1a151bb0"

DOMAIN = {"name": "AsterSignTransaction", "version": "1", "chainId": 1666,
          "verifyingContract": "0x0000000000000000000000000000000000000000"}
TYPES = {"Message": [{"name": "msg", "type": "string"}]}

MESSAGES = [
    "symbol=ASTERUSDT&type=LIMIT&side=BUY&timeInForce=GTC&quantity=20&price=0.5&nonce=1748310859508867&signer=" + SIGNER,
    f"nonce=1748310859508868&user={USER}&signer={SIGNER}",
    f"recvWindow=5000&nonce=1750000000000000&user={USER}&signer={SIGNER}",
    "",
    "a",
    "x" * 300,
    "msg=%E2%82%AC%20%C3%A9",
]


def main():
    account = Account.from_key(PRIVATE_KEY)
    vectors = []
    for msg in MESSAGES:
        signable = encode_typed_data(domain_data=DOMAIN, message_types=TYPES, message_data={"msg": msg})
        signed = Account.sign_message(signable, private_key=PRIVATE_KEY)
        digest = keccak(b"\x19" + signable.version + signable.header + signable.body)
        sig = signed.signature.hex()
        vectors.append({"msg": msg, "digest": "0x" + digest.hex(),
                        "signature": sig if sig.startswith("0x") else "0x" + sig})
    keccak_vectors = [{"input": s, "keccak256": "0x" + keccak(text=s).hex()}
                      for s in ["", "abc", "The quick brown fox jumps over the lazy dog", "a" * 135, "a" * 136, "a" * 137, "a" * 1000]]
    json.dump({"privateKey": PRIVATE_KEY, "address": account.address, "user": USER, "signer": SIGNER,
               "domain": DOMAIN, "vectors": vectors, "keccak": keccak_vectors}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
