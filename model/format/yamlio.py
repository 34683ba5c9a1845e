"""Read scenario YAML safely into plain Python data, remembering where every node was written.

This is the only module that touches YAML. It composes ruamel's node graph (YAML 1.2 core
schema, no object-building tags, bounded alias expansion) and converts it itself, so that
every problem in the file is reported at once with a compiler-style line and column.
"""

from __future__ import annotations

import math
import pathlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner

from ..errors import Issue, Loc, ScenarioError
from .text import not_text

#: Alias-expansion budget: converting a document may build at most this many nodes.
MAX_NODES = 100_000
#: Deepest nesting accepted, in the file or through aliases.
MAX_DEPTH = 100
#: Largest file read, in bytes (10 MB): ten times a scenario of MAX_NODES nodes written plainly,
#: and a bound on what `validate /dev/zero` reads.
MAX_BYTES = 10_000_000
#: The `%YAML` directives accepted (both read with YAML 1.2 rules).
YAML_VERSIONS = ((1, 1), (1, 2))

_CORE = "tag:yaml.org,2002:"
_BLOCK_CONTENT = re.compile(r"[^\n]*\n(?:[ \t\r]*\n)* *")
_PROPERTIES = re.compile(r"(?:(?:!<[^>]*>|[&!][^ \t\r\n,\[\]{}]*)(?:[ \t\r\n]|#[^\n]*)*)*")
_NOT_MAPPING = "a scenario file must be a YAML mapping (got {})"
_KINDS = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in the source text."""

    line: int
    col: int


@dataclass(frozen=True)
class Document:
    """A parsed scenario file: plain data plus where each key and value was written.

    Nodes reached through an alias have the positions of the anchored definition, except that
    a sequence item's key_pos (and a mapping key's) is where the alias use itself is written.
    """

    file: str
    data: Any
    key_pos: Mapping[Loc, Pos]
    value_pos: Mapping[Loc, Pos]

    def locate(self, loc: Loc, *, key: bool = False) -> Pos:
        """Position of the node at loc, or of its longest known ancestor when loc is absent."""
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if key and prefix in self.key_pos:
                return self.key_pos[prefix]
            if prefix in self.value_pos:
                return self.value_pos[prefix]
        return Pos(1, 1)

    def issue(self, loc: Loc, message: str, *, key: bool = False, offset: int = 0) -> Issue:
        """Build an Issue at loc, shifted right by offset to point inside a string."""
        pos = self.locate(loc, key=key)
        return Issue(self.file, pos.line, pos.col + offset, message, loc)


def read_document(path: pathlib.Path, *, display: str | None = None) -> Document:
    """Read and parse a scenario file, turning every failure into a ScenarioError."""
    file = display if display is not None else str(path)
    return parse_document(read_bytes(path, file=file), file=file)


def read_bytes(path: pathlib.Path, *, file: str) -> bytes:
    """The bytes of a file (once: it may be a pipe), at most MAX_BYTES, or a ScenarioError."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # a device or a pipe may never end
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ScenarioError([Issue(file, 1, 1, f"cannot read file: {reason}")]) from None
    if len(raw) > MAX_BYTES:
        limit = f"{MAX_BYTES // 1_000_000} MB" if MAX_BYTES >= 1_000_000 else f"{MAX_BYTES} bytes"
        message = f"file is larger than {limit}, the limit for a scenario file"
        raise ScenarioError([Issue(file, 1, 1, message)])
    return raw


def parse_document(text: str | bytes, *, file: str) -> Document:
    """Parse YAML text into a Document whose root is a mapping, or raise ScenarioError."""
    source = _decode(text, file) if isinstance(text, bytes) else text.removeprefix("\ufeff")
    yaml = _yaml()
    try:
        root = yaml.compose(source)
    except YAMLError as err:
        raise ScenarioError([_syntax_issue(err, source, file)]) from None
    if root is None:
        raise ScenarioError([Issue(file, 1, 1, _NOT_MAPPING.format("an empty file"))])
    builder = _Builder(source, file, yaml.composer.explicit_tags)
    builder.measure(root)
    data = builder.build(root, ())
    if not isinstance(data, dict):
        pos = builder.value_pos[()]
        builder.issues.add(Issue(file, pos.line, pos.col, _NOT_MAPPING.format(_kind(data))))
    if builder.issues:
        raise ScenarioError(list(builder.issues))
    return Document(file, data, builder.key_pos, builder.value_pos)


def _decode(raw: bytes, file: str) -> str:
    """Decode UTF-8 (BOM allowed), reporting the first invalid byte's line and column."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        line = raw.count(b"\n", 0, err.start) + 1
        col = len(raw[line_start : err.start].decode("utf-8")) + 1
        message = f"file is not UTF-8 text (invalid byte 0x{raw[err.start]:02x} at line {line})"
        raise ScenarioError([Issue(file, line, col, message)]) from None


@dataclass(frozen=True, slots=True)
class _Alias:
    """A use of an anchor: the shared node plus where its '*name' is written."""

    node: Node
    mark: Any


class _Composer(Composer):
    """ruamel's composer, also keeping alias-use positions and explicit tags as written."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.warn_double_anchors = False
        self.explicit_tags: dict[int, str] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node; wrap alias uses in _Alias and note explicit tags by node id."""
        event = self.parser.peek_event()
        node = super().compose_node(parent, index)
        if isinstance(event, AliasEvent):
            return _Alias(node, event.start_mark)
        tag = event.ctag
        if tag is not None and str(tag) != "!":
            written = f"{tag.handle}{tag.suffix}" if tag.handle else f"!<{tag.suffix}>"
            self.explicit_tags[id(node)] = written
        return node


class _VersionError(MarkedYAMLError):
    """A `%YAML` directive of a version this reader does not read."""


class _Scanner(Scanner):
    """ruamel's scanner, refusing `%YAML` versions other than 1.1 and 1.2 where written."""

    def scan_yaml_directive_value(self, start_mark: Any) -> Any:
        """The directive's (major, minor), or a _VersionError at its '%'."""
        version = super().scan_yaml_directive_value(start_mark)
        if tuple(version) not in YAML_VERSIONS:
            written = f"%YAML {version[0]}.{version[1]}"
            raise _VersionError(problem=written, problem_mark=start_mark)
        return version


class _Resolver(VersionedResolver):
    """Resolver that always applies YAML 1.2 rules, even under a '%YAML 1.1' directive."""

    @property
    def processing_version(self) -> Any:
        """Always YAML 1.2: 'no' is a string, '012' is twelve."""
        return (1, 2)


def _yaml() -> YAML:
    """A fresh safe, pure-Python YAML composer with our composer and resolver."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Scanner = _Scanner
    yaml.Composer = _Composer
    yaml.Resolver = _Resolver
    yaml.max_depth = MAX_DEPTH
    return yaml


def _syntax_issue(err: YAMLError, text: str, file: str) -> Issue:
    """Turn a ruamel error into one short Issue at its (1-based) position."""
    if isinstance(err, ReaderError):
        line = text.count("\n", 0, err.position) + 1
        col = err.position - text.rfind("\n", 0, err.position)
        return Issue(file, line, col, f"character U+{err.character:04X} is not allowed in YAML")
    if not isinstance(err, MarkedYAMLError):
        return Issue(file, 1, 1, f"YAML error: {str(err).splitlines()[0]}")
    mark = err.problem_mark or err.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if isinstance(err, MaxDepthExceededError):
        return Issue(file, line, col, f"document is nested more than {MAX_DEPTH} levels deep")
    if isinstance(err, _VersionError):
        message = f"'{err.problem}' is not supported: a scenario file is YAML 1.2"
        return Issue(file, line, col, f"{message} (a '%YAML 1.1' directive is read as 1.2)")
    problem = str(err.problem or err.context or "invalid YAML").splitlines()[0]
    if err.context and problem.startswith("but "):
        problem = f"{err.context}, {problem}"
    return Issue(file, line, col, f"YAML syntax error: {problem}{_opened_at(err, line)}")


_OPENED = {
    "while parsing a flow sequence": "the list",
    "while parsing a flow mapping": "the mapping",
    "while scanning a quoted scalar": "the string",
}


def _opened_at(err: MarkedYAMLError, line: int) -> str:
    """Where an unclosed list, mapping or string began, when that is on another line."""
    mark, what = err.context_mark, _OPENED.get(str(err.context or ""))
    if mark is None or what is None or mark.line + 1 == line:
        return ""
    return f" ({what} opened at line {mark.line + 1}, column {mark.column + 1} is not closed)"


def _mark_pos(mark: Any) -> Pos:
    """1-based position of a 0-based ruamel mark."""
    return Pos(mark.line + 1, mark.column + 1)


def _core_name(node: Node) -> str | None:
    """The short name of a node's tag in the YAML core schema ('int'), or None if outside it."""
    tag = str(node.tag)
    return tag.removeprefix(_CORE) if tag.startswith(_CORE) else None


def _kind(value: Any) -> str:
    """A short English name for the type of a plain value."""
    return "null" if value is None else _KINDS.get(type(value), "a number")


def _to_int(text: str) -> int:
    """YAML 1.2 integer, with the 0x/0o/0b prefixes ruamel resolves.

    One with more digits than Python reads (sys.get_int_max_str_digits) becomes 10^digits:
    its size is all a message needs, as any number of that size is out of range.
    """
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits[1:] if digits.startswith(("+", "-")) else digits
    base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower())
    if base is None and digits.isdigit() and len(digits) > _LONGEST_INT:
        magnitude: int = 10 ** (len(digits) - 1)
        return sign * magnitude
    return sign * (int(digits[2:], base) if base else int(digits, 10))


#: Digits of the longest integer read as it is (far above any number in range).
_LONGEST_INT = 1000


def _to_float(text: str) -> float:
    """YAML 1.2 float, including .inf, -.inf and .nan."""
    digits = text.replace("_", "").lower()
    if digits.lstrip("+-") == ".inf":
        return -math.inf if digits.startswith("-") else math.inf
    return math.nan if digits == ".nan" else float(digits)


_SCALARS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": _to_int,
    "float": _to_float,
    "bool": lambda text: {"true": True, "false": False}[text.lower()],
    "null": lambda text: {"": None, "~": None, "null": None}[text.lower()],
}


class _Builder:
    """Converts a composed node graph to plain data, collecting positions and issues."""

    def __init__(self, text: str, file: str, explicit_tags: dict[int, str]) -> None:
        self.text, self.file, self.tags = text, file, explicit_tags
        self.key_pos: dict[Loc, Pos] = {}
        self.value_pos: dict[Loc, Pos] = {}
        self.issues: set[Issue] = set()
        self._aliased = False
        self._active: set[int] = set()
        self._sizes: dict[int, int] = {}

    def build(self, item: Node | _Alias, loc: Loc) -> Any:
        """Plain value of a node (or alias use) at loc, recording its position."""
        node = item.node if isinstance(item, _Alias) else item
        if len(loc) > MAX_DEPTH:  # measure() checked depth only where each node is first met
            self._fatal(item, f"document is nested more than {MAX_DEPTH} levels deep")
        self.value_pos[loc] = self._start(node)
        if loc and isinstance(loc[-1], int):  # a sequence item: also where the item is written
            self.key_pos[loc] = self._outer(item)
        if not self._tag_ok(node):
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, loc) if self._is_text(node, self.value_pos[loc]) else None
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        return [self.build(child, (*loc, i)) for i, child in enumerate(node.value)]

    def measure(self, item: Node | _Alias, depth: int = 0) -> int:
        """Count the nodes item expands to (memoized per node): bombs fail before building."""
        node = item.node if isinstance(item, _Alias) else item
        self._aliased = self._aliased or isinstance(item, _Alias)
        if id(node) in self._sizes:
            return self._sizes[id(node)]
        if id(node) in self._active:
            self._fatal(item, "alias refers to a node that contains it (recursive alias)")
        if depth > MAX_DEPTH:
            self._fatal(item, f"document is nested more than {MAX_DEPTH} levels deep")
        self._active.add(id(node))
        children = node.value if isinstance(node, SequenceNode) else []
        if isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        size = 1 + sum(self.measure(child, depth + 1) for child in children)
        if size > MAX_NODES:
            how = "expands to" if self._aliased else "has"
            why = " through aliases (an alias bomb?)" if self._aliased else ""
            self._fatal(item, f"document {how} more than {MAX_NODES} nodes{why}")
        self._active.discard(id(node))
        self._sizes[id(node)] = size
        return size

    def _fatal(self, item: Node | _Alias, message: str) -> NoReturn:
        """Stop converting: raise the issues so far plus this one at item."""
        pos = self._outer(item)
        raise ScenarioError([*self.issues, Issue(self.file, pos.line, pos.col, message)])

    def _outer(self, item: Node | _Alias) -> Pos:
        """Where a node is written: the '*name' for an alias use, else the node's content."""
        return _mark_pos(item.mark) if isinstance(item, _Alias) else self._start(item)

    def _mapping(self, node: MappingNode, loc: Loc) -> dict[str, Any]:
        """Plain dict of a mapping node; reports every duplicate and every non-name key."""
        out: dict[str, Any] = {}
        first: dict[str, Pos] = {}
        for key_item, value_item in node.value:
            key = self._key(key_item)
            if key is None:
                continue
            name, pos = key
            if name in first:
                self._add(pos, f"duplicate key '{name}' (first defined at line {first[name].line})")
            first.setdefault(name, pos)
            self.key_pos[(*loc, name)] = pos
            out.setdefault(name, self.build(value_item, (*loc, name)))
        return out

    def _key(self, item: Node | _Alias) -> tuple[str, Pos] | None:
        """A mapping key as a name and its position, or None after reporting why it is not."""
        node = item.node if isinstance(item, _Alias) else item
        pos = _mark_pos(item.mark) if isinstance(item, _Alias) else self._start(node, inside=False)
        if not isinstance(node, ScalarNode):
            got = "a list" if isinstance(node, SequenceNode) else "a mapping"
            self._add(pos, f"a mapping key must be a plain name, not {got}")
            return None
        if str(node.tag) == f"{_CORE}merge" and id(node) not in self.tags:
            self._add(pos, "merge keys '<<' are not supported")
            return None
        return (str(node.value), pos) if self._is_text(node, pos) and self._tag_ok(node) else None

    def _is_text(self, node: ScalarNode, pos: Pos) -> bool:
        """Whether a scalar's characters are all text; reports those that are not at pos."""
        problem = not_text(str(node.value))
        if problem is not None:
            self._add(pos, problem)
        return problem is None

    def _tag_ok(self, node: Node) -> bool:
        """Whether node has no explicit tag or an allowed core one; reports a bad tag."""
        written = self.tags.get(id(node))
        if written is None:
            return True
        name = _core_name(node)
        if isinstance(node, MappingNode | SequenceNode):
            ok = name == ("map" if isinstance(node, MappingNode) else "seq")
        else:
            ok = name in _SCALARS
        if not ok:
            self._add(_mark_pos(node.start_mark), f"YAML tag '{written}' is not allowed")
        return ok

    def _scalar(self, node: ScalarNode, loc: Loc) -> Any:
        """Plain value of a scalar from its resolved or explicit core-schema tag."""
        name = _core_name(node)
        convert = _SCALARS.get(name or "")
        if convert is None:
            return node.value
        try:
            return convert(node.value)
        except (ValueError, KeyError):
            if id(node) not in self.tags:  # ruamel's resolver is looser ('0x_'): keep the text
                return node.value
            self._add(self.value_pos[loc], f"'{node.value}' is not a valid !!{name}")
            return None

    def _add(self, pos: Pos, message: str) -> None:
        """Record an issue at pos."""
        self.issues.add(Issue(self.file, pos.line, pos.col, message))

    def _start(self, node: Node, *, inside: bool = True) -> Pos:
        """Where a node's content starts: after anchor/tag, inside quotes, at block text."""
        mark, text = node.start_mark, self.text
        end = node.end_mark.index if node.end_mark is not None else len(text)
        index = mark.index
        properties = _PROPERTIES.match(text, index)
        index = properties.end() if properties is not None and properties.end() < end else index
        style = getattr(node, "style", None)
        if style in ("'", '"') and inside:
            index += 1
        elif style in ("|", ">"):
            content = _BLOCK_CONTENT.match(text, index)
            index = content.end() if content is not None and content.end() < end else index
        newlines = text.count("\n", mark.index, index)
        if not newlines:
            return Pos(mark.line + 1, mark.column + 1 + index - mark.index)
        return Pos(mark.line + 1 + newlines, index - text.rfind("\n", 0, index))
