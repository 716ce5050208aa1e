"""ffcc._json.parse_json: strict JSON for every file ffcc reads (depth limit, duplicate keys
refused), with one-line errors naming the input. Written to kill the mutants that
tools/mutate.py found surviving (see docs/mutation.md)."""

from __future__ import annotations

import pytest

from ffcc._errors import InputError
from ffcc._json import MAX_DEPTH, parse_json


def test_depth_limit_is_exact():
    assert MAX_DEPTH == 64
    ok = "[" * 64 + "]" * 64
    assert parse_json(ok, "f") == parse_json(ok, "f")  # parses
    with pytest.raises(InputError, match=r"^f: JSON nested deeper than 64 levels"):
        parse_json("[" * 65 + "]" * 65, "f")
    with pytest.raises(InputError, match="deeper"):
        parse_json("{" + '"a":' * 0 + "[" * 70, "f")  # refused before json sees it


def test_brackets_inside_strings_do_not_count():
    deep_string = '["' + "[" * 100 + '"]'
    assert parse_json(deep_string, "f") == ["[" * 100]
    escaped = '["\\"' + "{" * 100 + '"]'  # an escaped quote does not end the string
    assert parse_json(escaped, "f") == ['"' + "{" * 100]
    backslash = '["\\\\", ' + "[" * 63 + "]" * 63 + "]"  # "\\" ends the string; 64 levels
    assert parse_json(backslash, "f")[0] == "\\"


def test_depth_still_counts_after_strings_and_escapes():
    for prefix in ('"a", ', '"\\\\", ', '"\\"", '):  # "a", "\\" and "\"" end their strings
        with pytest.raises(InputError, match="deeper"):
            parse_json("[" + prefix + "[" * 64 + "]" * 64 + "]", "f")


def test_closing_brackets_reduce_the_depth():
    flat = "[" + ",".join(["[[[]]]"] * 40) + "]"  # many siblings, depth 4
    assert len(parse_json(flat, "f")) == 40
    with pytest.raises(InputError, match="deeper"):  # a closed sibling does not hide a level
        parse_json("[[]," + "[" * 64 + "]" * 64 + "]", "f")


def test_duplicate_keys_are_refused_with_their_line():
    with pytest.raises(InputError, match=r"^f: duplicate key 'a' \(line 3\); remove one"):
        parse_json('{\n"a": 1,\n"a": 2}', "f")
    with pytest.raises(InputError, match=r"duplicate key 'b'"):
        parse_json('{"x": {"b": 1, "b": 1}}', "f")
    assert parse_json('{"a": 1, "b": {"a": 2}}', "f") == {"a": 1, "b": {"a": 2}}
    with pytest.raises(InputError, match=r"duplicate key 'a' \(line 4\)"):  # leading newline
        parse_json('\n{\n"a": 1,\n"a": 2}', "f")


def test_invalid_json_names_line_and_column():
    with pytest.raises(InputError, match=r"^g: not valid JSON \(line 2, column 1\)"):
        parse_json('{"a": 1,\n}', "g")


def test_huge_integers_are_an_input_error():
    with pytest.raises(InputError, match="cannot parse JSON"):
        parse_json("1" * 5000, "h")
