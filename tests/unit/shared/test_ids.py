"""Ids: a type prefix and 128 random bits; their shape can be recognised, not their existence."""

from shared.ids import has_id_shape, new_id


def test_new_ids_have_their_shape_and_differ():
    first, second = new_id("tnd"), new_id("tnd")
    assert first != second
    assert has_id_shape(first, "tnd") and has_id_shape(second, "tnd")


def test_other_prefixes_and_made_up_strings_do_not():
    assert not has_id_shape(new_id("bid"), "tnd")
    for value in ("tnd_", "tnd_123", "tnd_" + "g" * 32, "tnd_" + "A" * 32, "x" + new_id("tnd"),
                  new_id("tnd") + "\n", ""):
        assert not has_id_shape(value, "tnd"), value
