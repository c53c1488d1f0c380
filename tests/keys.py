"""Fixed CPR keys for tests and benchmarks (never for real data).

Tests run without DEBUG, so no key derives from SECRET_KEY. The national benchmark dataset is
encrypted with the same keys (`make bench-dataset`), so the load benchmark's server, which gets
them from the test run, can read it. Kept free of Django so the Makefile can print them.
"""

TEST_CPR_KEYS = {
    "CPR_KEYS": "Vq9fzPqKhX4hHn8u3ZJx6m8H3e2fQW8k1m0c5pYt1aE=",
    "CPR_HASH_KEY": "test-only-cpr-hash-key-7d1c0a9e4b3f2a18",
}

if __name__ == "__main__":
    print(" ".join(f"{name}={value}" for name, value in TEST_CPR_KEYS.items()))  # noqa: T201
