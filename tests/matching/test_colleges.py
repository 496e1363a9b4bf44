"""The PPU college a profile's fields point to, read back from the programmes in matching/data."""
from __future__ import annotations

import pytest

from fursa.matching import college_of, load_taxonomy

TAXONOMY = load_taxonomy()


@pytest.mark.parametrize("key", sorted(TAXONOMY.programmes))
def test_picking_a_programme_gives_its_college_or_one_sharing_all_its_codes(key):
    programme = TAXONOMY.programmes[key]
    found = college_of(programme.codes, TAXONOMY)
    sharing = {other.college for other in TAXONOMY.programmes.values() if set(other.codes) <= set(programme.codes)}
    assert found in sharing and programme.college in sharing


def test_codes_that_no_programme_leads_to_give_no_college():
    assert college_of([], TAXONOMY) == ""
    assert college_of(["0222"], TAXONOMY) == ""   # history and archaeology: no PPU programme
    assert college_of(["0912"], TAXONOMY) == "medicine"
    assert college_of(["061"], TAXONOMY) == "it"   # a broad code: the college whose programmes it covers most
