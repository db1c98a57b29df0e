"""DESIGN.md §4: each context declares its codes once as an Enum, and every code a mutation
can raise is declared on its payload (else `perform` cannot map it and the refusal becomes a
masked internal error).

No database: the proof is static. Every function and method of domain/, coaching/ and api/
is indexed with the error-enum members it names (`OrgError.CYCLE`) and the project functions
it names (called or passed on), resolved through the module's imports; a mutation resolver
can raise the codes named anywhere in the closure of what it names. That over-approximates
(a code named on a path that some input takes) and knows two refinements: an `except` that
turns a domain error into data (a bad row of an import report) does not re-raise it, and a
method called on an object of unknown type is linked to the project's methods of that name.

Run this file as a script for the reverse report: codes a payload declares that no path of
its mutation names."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "coaching", "api")
RAISERS = {"DomainError", "NotFound", "InvalidInput", "Conflict", "Forbidden", "not_found"}
# methods of the standard library, SQLAlchemy and strawberry objects that project classes
# also define; a call `x.get(...)` on an object of unknown type is not linked by these names
COMMON_METHODS = {
    "get", "add", "append", "extend", "update", "pop", "items", "keys", "values", "copy",
    "execute", "scalar", "scalars", "flush", "commit", "rollback", "delete", "merge",
    "refresh", "close", "run", "put", "send", "read", "write", "format", "join", "split",
    "strip", "lower", "upper", "replace", "startswith", "endswith", "encode", "decode",
    "all", "first", "one", "where", "filter", "select", "count", "index", "sort", "load",
    "clear", "remove", "discard", "setdefault", "isoformat", "total_seconds", "model_dump",
}  # fmt: skip


VISIBLE = {"domain": {"domain"}, "coaching": {"domain", "coaching"}, "api": set(PACKAGES)}


# Calls that cannot produce some of the codes their callee can raise, for a reason the
# static analysis cannot see (the arguments, a check made before, the GraphQL layer). Each
# entry is (caller, callee): (codes, why); a stale entry (no such call) fails the tests.
def _pass(codes: str, why: str) -> tuple[frozenset[str], str]:
    return frozenset(codes.split()), why


_BLANK = "only non-blank text reaches clean_text"
_FIELD = "get_unit names PARENT_NOT_FOUND for a parent field, else UNIT_NOT_FOUND"
_OWNER = "the owner of a stored target exists (a foreign key)"
_ROLES = "the GraphQL field's allow(...) admits only the roles require_role asks for"
_NEW_LEAD = "placing a new, validated lead only creates its account and opportunity as the system"
CANNOT_PASS: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("domain.kernel.text.clean_optional_text", "domain.kernel.text.clean_text"): _pass(
        "REQUIRED", _BLANK
    ),
    ("domain.org.service.create_org_unit", "domain.org.service.get_unit"): _pass(
        "UNIT_NOT_FOUND", _FIELD
    ),
    ("domain.org.service._apply_rep_changes", "domain.org.service.get_unit"): _pass(
        "PARENT_NOT_FOUND", _FIELD
    ),
    ("domain.org.access.create_user", "domain.org.service.get_unit"): _pass(
        "PARENT_NOT_FOUND", _FIELD
    ),
    ("domain.notifications.service.create_subscription", "domain.org.service.get_unit"): _pass(
        "PARENT_NOT_FOUND", _FIELD
    ),
    ("domain.pipeline.service._open_for_change", "domain.pipeline.rules.check_move"): _pass(
        "ILLEGAL_TRANSITION", "it checks only a closed opportunity's advance: CLOSED"
    ),
    ("domain.pipeline.management.reopen", "domain.pipeline.rules.check_move"): _pass(
        "CLOSED", "a reopen is never refused as CLOSED"
    ),
    ("coaching.practice.service._close", "coaching.practice.evidence.record_evidence"): _pass(
        "SESSION_ACTIVE", "_close marks the session finished first"
    ),
    ("coaching.practice.service.start_practice", "coaching.practice.engines.check_engine"): _pass(
        "UNKNOWN_ENGINE", "the GraphQL enum PracticeEngine admits only known engines"
    ),
    ("coaching.practice.engines.Voices.engine", "coaching.practice.engines.check_engine"): _pass(
        "UNKNOWN_ENGINE", "a session's engine was checked when it started"
    ),
    # whichever engine voices the customer (any caller)
    ("*", "coaching.engines.customer.start"): _pass(
        "UNKNOWN_DIFFICULTY SCENARIO_MISMATCH",
        "the GraphQL enum PracticeDifficulty admits only known levels; the objections come "
        "from the scenario itself",
    ),
    ("*", "coaching.engines.customer.respond"): _pass(
        "SCENARIO_MISMATCH UNKNOWN_PERSONA",
        "the service refuses a session whose scenario changed first (SCENARIO_CHANGED)",
    ),
    ("domain.pipeline.service.lose", "domain.pipeline.service.move_stage"): _pass(
        "ILLEGAL_TRANSITION", "any open stage may be lost (and a closed one is CLOSED before)"
    ),
    ("domain.pipeline.management.reopen", "domain.pipeline.service.move_stage"): _pass(
        "CLOSED", "a reopen is never refused as CLOSED"
    ),
    ("coaching.routing.service.intake_lead", "coaching.routing.service.intake_leads"): _pass(
        "BATCH_SIZE", "one lead"
    ),
    ("coaching.routing.service.route_queued", "coaching.routing.service._route_together"): _pass(
        "INVALID_CODE INVALID_QUALIFICATION "
        "MANAGER_REQUIRED MISSING_QUALIFICATION NEGATIVE_AMOUNT OPPORTUNITY_NOT_FOUND "
        "REASON_REQUIRED REP_NOT_ACTIVE REP_NOT_FOUND REQUIRED SAME_OWNER "
        "TOO_LONG",
        "a queued lead is placed as the system: validated at intake, with an active rep the "
        "policy chose and a fixed reason",
    ),
    ("coaching.routing.placement._hand_over", "domain.pipeline.management.reassign"): _pass(
        "STALE_VERSION", "_hand_over passes the version it read with the opportunity row locked"
    ),
    ("coaching.routing.placement._hand_over", "domain.pipeline.service.update_details"): _pass(
        "CLOSED STALE_VERSION",
        "callers lock and leave out closed opportunities; the version is read under the lock",
    ),
    ("domain.alerts.diagnosis._funnel", "domain.pipeline.funnel.funnel"): _pass(
        "INVALID_RANGE", "a fixed range before the day"
    ),
    ("domain.reviews.snapshot._snapshot_kpis", "domain.pipeline.kpis.kpi_report"): _pass(
        "INVALID_RANGE", "the range is the review's week"
    ),
    ("domain.reviews.service.start_weekly_review", "domain.reviews.rules.require_role"): _pass(
        "NOT_ALLOWED", _ROLES
    ),
    ("domain.reviews.actions.suggest_adjustment", "domain.reviews.rules.require_role"): _pass(
        "NOT_ALLOWED", _ROLES
    ),
    ("domain.reviews.actions.accept_adjustments", "domain.reviews.rules.require_role"): _pass(
        "NOT_ALLOWED", _ROLES
    ),
    ("domain.reviews.actions.reject_adjustment", "domain.reviews.rules.require_role"): _pass(
        "NOT_ALLOWED", _ROLES
    ),
    ("domain.reviews.actions.confirm_key_customers", "domain.reviews.rules.require_role"): _pass(
        "NOT_ALLOWED", _ROLES
    ),
    ("domain.reviews.actions.suggest_adjustment", "domain.reviews.rules.clean_note"): _pass(
        "REQUIRED", "called only for a reason too long (a blank one is REASON_REQUIRED)"
    ),
    ("domain.reviews.service.review_subtree", "domain.reviews.service.review_unit"): _pass(
        "UNIT_NOT_FOUND", "a review's unit exists (a foreign key)"
    ),
    ("domain.reviews.snapshot._snapshot_funnel", "domain.pipeline.funnel.funnel"): _pass(
        "INVALID_RANGE", "the range is the review's week"
    ),
    (
        "domain.reviews.actions.accept_adjustments",
        "domain.targets.calibration.rebalance_targets",
    ): _pass(
        "LOCKED NEGATIVE_AMOUNT NOT_YOUR_SCOPE",
        "deciders are directors (who may change locked targets) of the review's subtree; the "
        "amounts were checked when suggested",
    ),
    ("domain.alerts.signals._kpi", "domain.pipeline.kpis.kpi_report"): _pass(
        "INVALID_RANGE", "a fixed look-back before the day"
    ),
    ("domain.alerts.diagnosis.diagnose", "domain.pipeline.kpis.kpi_report"): _pass(
        "INVALID_RANGE", "a fixed two-week range"
    ),
    (
        "domain.alerts.diagnosis.diagnose",
        "domain.targets.collaboration.service.top_gap_reasons",
    ): _pass("UNIT_NOT_FOUND", "asked as the system, for the alert's own unit"),
    ("domain.targets.service.approve_target", "domain.targets.service.owner_info"): _pass(
        "OWNER_NOT_FOUND", _OWNER
    ),
    ("domain.targets.service.propose_target", "domain.targets.service.owner_info"): _pass(
        "OWNER_NOT_FOUND", _OWNER
    ),
    ("domain.targets.service.managed_target", "domain.targets.service.owner_info"): _pass(
        "OWNER_NOT_FOUND", _OWNER
    ),
    ("domain.targets.calibration._check_calibration", "domain.targets.service.owner_info"): _pass(
        "OWNER_NOT_FOUND", _OWNER
    ),
    ("domain.targets.allocation.allocate_target", "domain.targets.service.owner_info"): _pass(
        "OWNER_NOT_FOUND", _OWNER
    ),
    ("domain.targets.service.rescale_children", "domain.targets.rules.rescale"): _pass(
        "NEGATIVE_AMOUNT INVALID_WEIGHTS", "stored amounts are never negative"
    ),
    ("domain.targets.rules.rescale", "domain.targets.rules.largest_remainder"): _pass(
        "NEGATIVE_AMOUNT INVALID_WEIGHTS ZERO_WEIGHTS",
        "rescale passes a checked total and weights that sum above zero",
    ),
    ("domain.targets.allocation.allocate_target", "domain.targets.rules.largest_remainder"): _pass(
        "NEGATIVE_AMOUNT INVALID_WEIGHTS",
        "the parent's amount and the composite shares are never negative",
    ),
    ("coaching.routing.service.intake_leads", "coaching.routing.service._route_together"): _pass(
        "INVALID_CODE INVALID_QUALIFICATION "
        "MANAGER_REQUIRED MISSING_QUALIFICATION NEGATIVE_AMOUNT OPPORTUNITY_NOT_FOUND "
        "REASON_REQUIRED REP_NOT_ACTIVE REP_NOT_FOUND REQUIRED SAME_OWNER "
        "TOO_LONG",
        _NEW_LEAD,
    ),
}


def blocked_codes(caller: str, callee: str) -> frozenset[str]:
    nothing: tuple[frozenset[str], str] = (frozenset(), "")
    return (
        CANNOT_PASS.get((caller, callee), nothing)[0] | CANNOT_PASS.get(("*", callee), nothing)[0]
    )


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


@dataclass
class Function:
    """One indexed function or method: the codes it names and the project names it uses."""

    qualname: str
    module: str
    node: ast.AST
    owner: str | None = None  # the qualified class name of a method
    codes: set[str] = field(default_factory=set)
    uses: set[str] = field(default_factory=set)


@dataclass
class Module:
    name: str
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    is_package: bool = False


class Index:
    """Every module, class, function and error-code enum of the project."""

    def __init__(self) -> None:
        self.modules: dict[str, Module] = {}
        self.functions: dict[str, Function] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.class_bases: dict[str, list[str]] = {}
        self.enums: dict[str, set[str]] = {}  # qualified enum name -> member values
        self.methods_by_name: dict[str, set[str]] = {}
        self.variables: set[str] = set()  # module-level names bound by assignment
        self.resolvers: set[str] = set()  # GraphQL resolvers: strawberry calls them, not we
        for path in source_files():
            name = module_name(path)
            tree = ast.parse(path.read_text(encoding="utf-8"))
            self.modules[name] = Module(name, tree, is_package=path.name == "__init__.py")
        for module in self.modules.values():
            self._read_imports(module)
            self._read_definitions(module)
        for function in self.functions.values():
            self._read_body(function)

    # --- definitions ------------------------------------------------------------------

    def _read_imports(self, module: Module) -> None:
        package = module.name if module.is_package else module.name.rpartition(".")[0]
        for node in _statements(module.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        module.imports[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        module.imports[head] = head
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    module.imports[alias.asname or alias.name] = f"{base}.{alias.name}"

    def _read_definitions(self, module: Module) -> None:
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = f"{module.name}.{node.name}"
                self.functions[qualname] = Function(qualname, module.name, node)
            elif isinstance(node, ast.ClassDef):
                self._read_class(module, node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.variables.add(f"{module.name}.{target.id}")

    def _read_class(self, module: Module, node: ast.ClassDef) -> None:
        qualname = f"{module.name}.{node.name}"
        self.classes[qualname] = node
        bases = [ast.unparse(base) for base in node.bases]
        self.class_bases[qualname] = bases
        if module.name.endswith(".errors") and any(b.endswith("StrEnum") for b in bases):
            self.enums[qualname] = {
                ast.literal_eval(item.value)
                for item in node.body
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant)
            }
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                method = f"{qualname}.{item.name}"
                self.functions[method] = Function(method, module.name, item, owner=qualname)
                if any(_is_resolver_decorator(d) for d in item.decorator_list):
                    self.resolvers.add(method)
                self.methods_by_name.setdefault(item.name, set()).add(method)

    # --- names ------------------------------------------------------------------------

    def resolve(self, module: Module, expr: ast.expr) -> str | None:
        """The dotted project name an expression stands for (a module, class, function,
        enum or enum member), or None."""
        if isinstance(expr, ast.Name):
            if expr.id in module.imports:
                return self._canonical(module.imports[expr.id])
            local = f"{module.name}.{expr.id}"
            return local if self._known(local) else None
        if isinstance(expr, ast.Attribute):
            base = self.resolve(module, expr.value)
            if base is None:
                return None
            return self._canonical(f"{base}.{expr.attr}")
        return None

    def _known(self, name: str) -> bool:
        return (
            name in self.functions
            or name in self.classes
            or name in self.modules
            or name in self.variables
        )

    @cache  # noqa: B019 - one index per test run
    def _canonical(self, name: str) -> str | None:
        """Follow re-exports: `domain.org.service.get_unit` imported from a package's
        `__init__` ends at the module that defines it."""
        if self._known(name) or self._enum_member(name):
            return name
        module_part, _, attr = name.rpartition(".")
        module = self.modules.get(module_part)
        if module is not None and attr in module.imports:
            target = module.imports[attr]
            return self._canonical(target) if target != name else None
        return None

    def _enum_member(self, name: str) -> str | None:
        enum, _, member = name.rpartition(".")
        return member if member in self.enums.get(enum, ()) else None

    # --- bodies -----------------------------------------------------------------------

    def _read_body(self, function: Function) -> None:
        module = self.modules[function.module]
        nodes = list(ast.walk(function.node))
        tries = [node for node in nodes if isinstance(node, ast.Try)]
        calls = [node for node in nodes if isinstance(node, ast.Call)]
        skipped = {  # the callee of a call whose codes become data (not its arguments)
            id(inner) for call in swallowed_calls(tries) for inner in ast.walk(call.func)
        }
        skipped |= {id(inner) for call in calls for inner in self._after_commit(module, call)}
        callees = {id(call.func) for call in calls}
        for node in nodes:
            if id(node) in skipped or not isinstance(node, ast.Name | ast.Attribute):
                continue
            name = self.resolve(module, node)
            if name is None:
                if isinstance(node, ast.Attribute):
                    function.uses |= self._methods_named(function, node, id(node) in callees)
                continue
            if (member := self._enum_member(name)) is not None:
                function.codes.add(member)
            elif name in self.functions:
                function.uses.add(name)
            elif name in self.classes:
                function.uses |= self._constructors(name)

    def _after_commit(self, module: Module, call: ast.Call) -> Iterator[ast.AST]:
        """The `to_payload` of `perform(info, types, action, to_payload)`: it runs after the
        commit, outside the mapping of codes, so what it names is not the payload's concern."""
        if self.resolve(module, call.func) != "api.core.errors.perform":
            return
        for argument in [*call.args[3:], *(k.value for k in call.keywords)]:
            yield from ast.walk(argument)

    def _methods_named(self, function: Function, node: ast.Attribute, called: bool) -> set[str]:
        """`self.f` is the method of this class (or a base); `x.f(...)` on an object of
        unknown type is any project method f that the caller's layer can see (domain sees
        domain, coaching sees coaching and domain), GraphQL resolvers aside."""
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            return set(self._own_method(function.owner, node.attr))
        if not called or node.attr in COMMON_METHODS or node.attr.startswith("__"):
            return set()
        visible = VISIBLE[function.module.split(".")[0]]
        return {
            method
            for method in self.methods_by_name.get(node.attr, ())
            if method.split(".")[0] in visible and method not in self.resolvers
        }

    def _own_method(self, owner: str | None, name: str) -> Iterator[str]:
        seen: set[str] = set()
        while owner and owner not in seen:
            seen.add(owner)
            if f"{owner}.{name}" in self.functions:
                yield f"{owner}.{name}"
                return
            module = self.modules[owner.rpartition(".")[0]]
            bases = [self.resolve(module, base) for base in self.classes[owner].bases]
            owner = next((base for base in bases if base in self.classes), None)

    def _constructors(self, cls: str) -> set[str]:
        return {
            method
            for name in ("__init__", "__post_init__", "__new__")
            for method in self._own_method(cls, name)
        }

    def reachable_codes(self, qualname: str) -> frozenset[str]:
        return self._closure[qualname]

    @property
    def _closure(self) -> dict[str, frozenset[str]]:
        """Per function, the codes it can raise: its own and, through each use, the used
        function's codes less those CANNOT_PASS says that use cannot produce (a fixpoint,
        for the recursive functions)."""
        if not hasattr(self, "_codes"):
            codes = {name: set(function.codes) for name, function in self.functions.items()}
            changed = True
            while changed:
                changed = False
                for name, function in self.functions.items():
                    for used in function.uses:
                        blocked = blocked_codes(name, used)
                        new = codes[used] - blocked - codes[name]
                        if new:
                            codes[name] |= new
                            changed = True
            self._codes = {name: frozenset(found) for name, found in codes.items()}
        return self._codes


def _statements(tree: ast.AST) -> Iterator[ast.stmt]:
    """The statements of a module, nested ones included, without walking expressions."""
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(node, name, ()):
                if isinstance(child, ast.stmt):
                    yield child
                todo.append(child)


def swallowed_calls(tries: list[ast.Try]) -> Iterator[ast.Call]:
    """The calls inside a `try` whose `except DomainError`/`InvalidInput` handler neither
    re-raises nor collects the error for a later raise: what they raise becomes data (e.g.
    a bad row of an import report)."""
    for node in tries:
        handlers = [h for h in node.handlers if _catches_domain_error(h)]
        if handlers and not any(_passes_on(handler) for handler in handlers):
            for statement in node.body:
                for inner in ast.walk(statement):
                    if isinstance(inner, ast.Call):
                        yield inner


def _catches_domain_error(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        isinstance(kind, ast.Name | ast.Attribute)
        and ast.unparse(kind).rpartition(".")[2] in RAISERS | {"BrokenRules"}
        for kind in kinds
    )


def _passes_on(handler: ast.ExceptHandler) -> bool:
    """Whether the handler raises again (any `raise`) or keeps the caught error (say, for a
    later BrokenRules) other than as a bad row of a report."""
    in_bad_rows = {
        id(inner)
        for node in ast.walk(handler)
        if isinstance(node, ast.Call) and _is_bad_row(node)
        for inner in ast.walk(node)
    }
    return any(
        isinstance(node, ast.Raise)
        or (isinstance(node, ast.Name) and node.id == handler.name and id(node) not in in_bad_rows)
        for node in ast.walk(handler)
    )


def _is_bad_row(call: ast.Call) -> bool:
    """`bad_row(line, error)` and `BadRow(...)` turn an error into a row of a report."""
    return ast.unparse(call.func).rpartition(".")[2] in {"bad_row", "BadRow"}


# --- the mutations ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    field: str  # the resolver's Python name, e.g. start_practice
    resolver: str  # qualified name in the index
    payload: str  # the MutationTypes constant, e.g. api.graphql.practice.inputs.StartPractice


def mutations(index: Index) -> list[Mutation]:
    """Every `@strawberry.mutation` resolver of api/graphql/*/schema.py and the payload its
    return annotation names (`-> StartPractice.payload`)."""
    found = []
    for function in index.functions.values():
        node = function.node
        if not function.module.startswith("api.graphql.") or not isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef
        ):
            continue
        if not any(_is_mutation_decorator(d) for d in node.decorator_list):
            continue
        returns = node.returns
        assert isinstance(returns, ast.Attribute) and returns.attr == "payload", (
            f"{function.qualname}: a mutation returns `<Name>.payload` of a mutation_types"
        )
        payload = index.resolve(index.modules[function.module], returns.value)
        assert payload, f"{function.qualname}: cannot resolve {ast.unparse(returns)}"
        found.append(Mutation(node.name, function.qualname, payload))
    return sorted(found, key=lambda m: m.resolver)


def _decorator_name(decorator: ast.expr) -> str:
    return ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)


def _is_mutation_decorator(decorator: ast.expr) -> bool:
    return _decorator_name(decorator) in {"strawberry.mutation", "mutation"}


def _is_resolver_decorator(decorator: ast.expr) -> bool:
    return _decorator_name(decorator).startswith("strawberry.")


def declared_codes(payload: str) -> list[str]:
    module, _, name = payload.rpartition(".")
    types = getattr(importlib.import_module(module), name)
    return [member.value for member in types.code]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index()


def test_the_index_sees_the_code_enums_and_mutations(index):
    assert {"domain.org.errors.OrgError", "domain.kernel.errors.KernelError"} <= set(index.enums)
    assert "api.core.errors.ApiError" in index.enums
    assert len(mutations(index)) >= 60
    start = "api.graphql.practice.schema.PracticeMutation.start_practice"
    assert "NOT_A_REP" in index.reachable_codes(start)
    assert "INVALID_ID" in index.reachable_codes(
        "api.graphql.practice.schema.PracticeMutation.finish_practice"
    )


def test_every_code_a_mutation_can_raise_is_declared_on_its_payload(index):
    missing = {}
    for mutation in mutations(index):
        undeclared = index.reachable_codes(mutation.resolver) - set(
            declared_codes(mutation.payload)
        )
        if undeclared:
            missing[f"{mutation.field} ({mutation.payload.rpartition('.')[2]})"] = sorted(
                undeclared
            )
    report = "\n".join(f"  {name}: {', '.join(codes)}" for name, codes in sorted(missing.items()))
    assert not missing, (
        "These mutations can raise codes their payload does not declare (each would become a "
        "masked internal error); add them to the mutation_types(...) list in "
        f"api/graphql/<context>/inputs.py:\n{report}"
    )


def test_every_declared_code_is_a_member_of_a_code_enum(index):
    members = set().union(*index.enums.values())
    unknown = {
        m.field: sorted(set(declared_codes(m.payload)) - members)
        for m in mutations(index)
        if set(declared_codes(m.payload)) - members
    }
    assert unknown == {}


def test_each_enum_value_is_its_name(index):
    for enum_name, values in index.enums.items():
        module, _, name = enum_name.rpartition(".")
        enum = getattr(importlib.import_module(module), name)
        assert issubclass(enum, StrEnum)
        assert {member.name for member in enum} == {member.value for member in enum} == values


# --- no string literal is a code ---------------------------------------------------------


def literal_codes(tree: ast.AST, codes: set[str]) -> Iterator[tuple[int, str]]:
    """String literals given as a code: the first argument (or `code=`) of a domain error
    or `not_found`, an element of a list passed to `mutation_types`, or any call argument
    whose text is one of the declared codes."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = ast.unparse(node.func).rpartition(".")[2]
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if callee in RAISERS:
            code = node.args[0] if node.args else None
            code = next((k.value for k in node.keywords if k.arg == "code"), code)
            if isinstance(code, ast.Constant | ast.JoinedStr):
                yield node.lineno, ast.unparse(code)
        for argument in arguments:
            candidates = argument.elts if isinstance(argument, ast.List | ast.Tuple) else []
            for value in [argument, *candidates]:
                if isinstance(value, ast.Constant) and value.value in codes:
                    yield value.lineno, repr(value.value)


def test_no_string_literal_is_passed_as_an_error_code(index):
    codes = set().union(*index.enums.values())
    offenders = {}
    for name, module in index.modules.items():
        if name.endswith(".errors"):
            continue  # the enums themselves, and the GraphQL adapter's own codes
        found = sorted(set(literal_codes(module.tree, codes)))
        if found:
            offenders[name] = found
    assert offenders == {}, "raise with a member of the context's code enum, not a string"


def test_payload_code_lists_name_enum_members():
    """api/graphql/*/inputs.py lists codes as enum members (module-level lists included)."""
    offenders = {}
    for path in sorted((ROOT / "api" / "graphql").glob("*/inputs.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        strings = [
            (element.lineno, element.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.List)
            for element in node.elts
            if isinstance(element, ast.Constant) and isinstance(element.value, str)
        ]
        if strings:
            offenders[str(path.relative_to(ROOT))] = strings
    assert offenders == {}


# --- the reverse: declared but never raised (a report, not a test) -----------------------


def unraisable_declarations(index: Index) -> dict[str, list[str]]:
    return {
        mutation.field: sorted(
            set(declared_codes(mutation.payload)) - index.reachable_codes(mutation.resolver)
        )
        for mutation in mutations(index)
        if set(declared_codes(mutation.payload)) - index.reachable_codes(mutation.resolver)
    }


if __name__ == "__main__":
    for name, codes in sorted(unraisable_declarations(Index()).items()):
        print(f"{name}: {', '.join(codes)}")


def test_each_exclusion_names_a_real_call_and_codes_its_callee_can_raise(index):
    def calls(caller: str, callee: str) -> bool:
        if caller == "*":
            return any(callee in function.uses for function in index.functions.values())
        return caller in index.functions and callee in index.functions[caller].uses

    stale = {
        edge: sorted(codes - index.reachable_codes(edge[1])) if calls(*edge) else "no such call"
        for edge, (codes, _why) in CANNOT_PASS.items()
    }
    assert {edge: problem for edge, problem in stale.items() if problem} == {}
