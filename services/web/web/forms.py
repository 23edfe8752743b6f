"""Forms described once, in Python: the template renders each field with its label, and the
values posted become the API's JSON body. A field's name is its path in that body
(`patient.age.value`, `reactions.0.outcome`), so the API's field errors land beside it."""

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CSRF_FIELD = "csrf_token"
# A fresh key in each form rendered: the same form sent twice (a double tap, a retry on a
# slow network) is one write at the API (its Idempotency-Key).
IDEMPOTENCY_FIELD = "idempotency_key"
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Field:
    name: str  # the path in the API's body
    label: str  # catalogue key
    kind: str = "text"  # text, email, tel, password, date, number, textarea, select, checkbox
    options: tuple[str, ...] = ()  # a select's values; their labels are `label_of(value)`
    option_labels: str = ""  # the catalogue prefix of the options' labels
    option_names: tuple[str, ...] = ()  # or their labels as the API names them
    required: bool = False
    autocomplete: str = ""
    hint: str = ""  # catalogue key of a line of help under the control
    blank: bool = False  # a select that may be left unanswered
    default: str = ""
    detail: str = ""  # text of the case at hand after the label (a medicine's name)

    @property
    def initial(self) -> str:
        if self.default or self.kind != "select" or self.blank:
            return self.default
        return self.options[0]

    @property
    def control_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


@dataclass(frozen=True)
class Fieldset:
    legend: str  # catalogue key
    fields: tuple[Field, ...]
    detail: str = ""  # text of the case at hand after the legend (a reaction's words)


@dataclass(frozen=True)
class Form:
    fieldsets: tuple[Fieldset, ...]
    hidden: tuple[str, ...] = field(default=())  # posted back as they were given

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.fieldsets for f in s.fields)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def defaults(self) -> dict[str, str]:
        """What the form shows before anything is typed: a select shows its first option
        unless it may be left unanswered."""
        return {f.name: f.initial for f in self.fields if f.initial}

    def values(self, posted: Mapping[str, Any]) -> dict[str, str]:
        """What was posted for this form's fields, as strings to show again (never a
        password)."""
        names = (*(f.name for f in self.fields if f.kind != "password"), *self.hidden)
        return {name: str(posted[name]) for name in names if name in posted}

    def body(self, posted: Mapping[str, Any]) -> dict[str, Any]:
        """The API's JSON body: nested by the fields' paths, blanks left out (the API's
        defaults stand), a checkbox true when ticked and false otherwise. Values stay as
        typed: the API checks them and says what is wrong."""
        flat: dict[str, Any] = {}
        for f in self.fields:
            value = str(posted.get(f.name, "")).strip()
            if f.kind == "checkbox":
                flat[f.name] = bool(value)
            elif value:
                flat[f.name] = value
        flat.update({name: str(posted[name]) for name in self.hidden if posted.get(name)})
        return nest(flat)


def once(posted: Mapping[str, Any]) -> dict[str, str]:
    """The headers that make a repeat of this form's write change nothing."""
    key = str(posted.get(IDEMPOTENCY_FIELD, ""))
    return {"Idempotency-Key": key} if IDEMPOTENCY_KEY.match(key) else {}


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"a.0.b": 1}` -> `{"a": [{"b": 1}]}`: numeric steps are list positions."""
    root: dict[str, Any] = {}
    for path, value in flat.items():
        node: Any = root
        steps = path.split(".")
        for step, following in itertools.pairwise(steps):
            node = _child(node, step, [] if following.isdigit() else {})
        _put(node, steps[-1], value)
    return _compact(root)


def flatten(body: Any, prefix: str = "") -> dict[str, str]:
    """The inverse of `nest`, as a form shows it: `{"a": [{"b": 1}]}` -> `{"a.0.b": "1"}`;
    true is a ticked checkbox, false and null are left out."""
    if isinstance(body, dict):
        pairs: Iterable[tuple[str, Any]] = body.items()
    elif isinstance(body, list):
        pairs = ((str(i), v) for i, v in enumerate(body))
    elif body is None or body is False:
        return {}
    else:
        return {prefix: "on" if body is True else str(body)}
    flat: dict[str, str] = {}
    for key, value in pairs:
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    return flat


def _child(node: Any, step: str, empty: Any) -> Any:
    if isinstance(node, list):
        index = int(step)
        node.extend(None for _ in range(index + 1 - len(node)))
        if node[index] is None:
            node[index] = empty
        return node[index]
    return node.setdefault(step, empty)


def _put(node: Any, step: str, value: Any) -> None:
    if isinstance(node, list):
        _child(node, step, None)
        node[int(step)] = value
    else:
        node[step] = value


def _compact(node: Any) -> Any:
    """Lists without the holes that unposted positions left."""
    if isinstance(node, dict):
        return {k: _compact(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_compact(v) for v in node if v is not None]
    return node


def choices(name: str, label: str, options: Iterable[str], prefix: str, **extra: Any) -> Field:
    return Field(name, label, "select", tuple(options), prefix, **extra)
