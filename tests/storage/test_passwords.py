"""Staff passwords at production cost: the web tests hash with cheap argon2 settings for speed
(tests/web/conftest.py), so this file is where the parameters that guard real accounts are run."""
from __future__ import annotations

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from fursa.storage import passwords

PASSWORD = "correct horse battery staple"


def _production_parameters() -> tuple:
    hasher = passwords._hasher
    return Type.ID, hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len, hasher.salt_len


def _parameters_of(stored: str) -> tuple:
    used = extract_parameters(stored)
    return used.type, used.time_cost, used.memory_cost, used.parallelism, used.hash_len, used.salt_len


def test_passwords_are_hashed_and_verified_with_the_production_parameters():
    """Three argon2 runs at production cost (a quarter of a second each on an idle machine)."""
    stored = passwords.hash_password(PASSWORD)
    assert _parameters_of(stored) == _production_parameters()
    used = extract_parameters(stored)
    # never below RFC 9106's recommendation for memory-constrained machines (3 passes over 64 MiB)
    assert used.time_cost >= RFC_9106_LOW_MEMORY.time_cost and used.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, PASSWORD + "!")
    assert not passwords.needs_rehash(stored)


def test_an_unknown_account_costs_a_production_hash():
    """The dummy hash checked for an unknown address has the same parameters, so both answers take as long."""
    assert _parameters_of(passwords._DUMMY_HASH) == _production_parameters()
    assert not passwords.verify_password(None, PASSWORD)


def test_a_hash_made_with_weaker_parameters_still_opens_and_asks_to_be_rehashed():
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    assert passwords.verify_password(weak, PASSWORD)
    assert passwords.needs_rehash(weak)
