"""From a validated manifest to an execution plan: operations resolved, types checked, and the
Rust statements of every segment worked out, ready for the templates.

Types flow through the workflow: an external input takes the type its first operation expects, a
segment's output is its last operation's output, and FLOWCONTROL operations gather values whose
types only the manifest knows. Mixed collections get an item enum, so the generated code stays
type-safe without dynamic typing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ManifestError
from .manifest import EXTERNAL, OperationCall, Segment, WorkflowManifest
from .operations import SUPPORT_CRATE, Operation, Registry
from .rust import crate_name, rust_str
from .valuetypes import COLLECTION, PRIMITIVES, CollectionType, ValueType

# External inputs of a FLOWCONTROL operation have no declared type: they are taken as bytes.
FLOW_CONTROL_INPUT = "Bytes"

# One valid encoded value per input type: for the tests rendered into each crate, the pallet's
# benchmark inputs, and `chaintool build`'s check that native and WASM agree.
SAMPLE_INPUTS: dict[str, bytes] = {
    "Bytes": b"chaintool",
    "String": b"chaintool",
    "Multihash": bytes([0x12, 0x20]) + bytes([7] * 32),
    "Bool": b"\x01",
}


@dataclass(frozen=True)
class ItemEnum:
    """An enum for the items of a collection that mixes types: one variant per type."""

    name: str
    variants: tuple[tuple[str, str], ...]  # (variant name, Rust type inside the Rc)


@dataclass(frozen=True)
class SegmentPlan:
    index: int
    external_count: int
    statements: tuple[str, ...]
    result: str
    output_type: ValueType
    rust_output_type: str
    var: str


@dataclass(frozen=True)
class Plan:
    manifest: WorkflowManifest
    crate_name: str
    no_std: bool
    operations: tuple[Operation, ...]
    segments: tuple[SegmentPlan, ...]
    item_enums: tuple[ItemEnum, ...]
    external_types: tuple[str, ...]
    inputs_per_call: tuple[int, ...]

    @property
    def output_type(self) -> ValueType:
        return self.segments[-1].output_type

    @property
    def rust_output_type(self) -> str:
        return self.segments[-1].rust_output_type

    @property
    def sample_inputs(self) -> tuple[bytes, ...]:
        return tuple(SAMPLE_INPUTS[t] for t in self.external_types)


@dataclass
class _RustTypes:
    """Rust spelling of value types; registers an item enum for each mix of types met."""

    enums: dict[tuple[ValueType, ...], ItemEnum] = field(default_factory=dict)

    def rust(self, value_type: ValueType) -> str:
        if isinstance(value_type, CollectionType):
            return f"Collection<{self.item(value_type.items)}>"
        return PRIMITIVES[value_type]

    def item(self, items: tuple[ValueType, ...]) -> str:
        distinct = tuple(dict.fromkeys(items))
        if len(distinct) == 1:
            return f"Rc<{self.rust(distinct[0])}>"
        if distinct not in self.enums:
            variants, collections = [], 0
            for value_type in distinct:
                if isinstance(value_type, CollectionType):
                    variant, collections = f"Collection{collections}", collections + 1
                else:
                    variant = value_type
                variants.append((variant, self.rust(value_type)))
            self.enums[distinct] = ItemEnum(f"Item{len(self.enums)}", tuple(variants))
        return self.enums[distinct].name

    def wrap(self, items: tuple[ValueType, ...], value_type: ValueType, expr: str) -> str:
        """`expr` (an `Rc`) as an item of a collection of `items`."""
        distinct = tuple(dict.fromkeys(items))
        if len(distinct) == 1:
            return expr
        enum = self.enums[distinct]
        variant = enum.variants[distinct.index(value_type)][0]
        return f"{enum.name}::{variant}({expr})"


def _config_literal(operation: Operation, call: OperationCall, where: str) -> str:
    given = dict(call.config)
    for key, value in call.config:
        if key not in operation.config:
            raise ManifestError(
                f"{where}.config.{key}",
                f"is not a config key of {operation.name}",
                hint=f"its keys: {', '.join(operation.config)}"
                if operation.config
                else f'{operation.name} takes no configuration: use "config": {{}}',
            )
        allowed = operation.config[key]
        if value not in allowed:
            raise ManifestError(
                f"{where}.config.{key}",
                f"{value!r} is not an allowed value",
                hint=f"choose one of {', '.join(allowed)}",
            )
    for key, allowed in operation.config.items():
        if key not in given:
            raise ManifestError(
                f"{where}.config.{key}",
                f"is missing: {operation.name} needs a value for it",
                hint=f"choose one of {', '.join(allowed)}",
            )
    pairs = ", ".join(f"({rust_str(k)}, {rust_str(v)})" for k, v in call.config)
    return f"&[{pairs}]"


def _call(operation: Operation, args: str, config: str, segment: int) -> str:
    return (
        f"operation_result({operation.name}::execute({args}, {config}), {segment}, "
        f"{rust_str(operation.name)})?"
    )


class _Planner:
    def __init__(self, manifest: WorkflowManifest, registry: Registry, no_std: bool) -> None:
        self.manifest = manifest
        self.registry = registry
        self.no_std = no_std
        self.types = _RustTypes()
        self.used_ops: dict[str, Operation] = {}
        self.segment_types: list[ValueType] = []
        self.external_types: list[str] = []

    def resolve(self, call: OperationCall, where: str) -> Operation:
        operation = self.registry.lookup(call.version_id, f"{where}.versionId")
        if self.no_std and not operation.no_std:
            raise ManifestError(
                f"{where}.versionId",
                f'{operation.name} is std-only (its manifest\'s features lack "std"), '
                "so it cannot run in a no-std workflow",
                hint="use a no-std operation, or pass --allow-std for a std-only workflow "
                "(such a workflow cannot go on-chain)",
            )
        self.used_ops[operation.name] = operation
        return operation

    def segment(self, index: int, segment: Segment) -> SegmentPlan:
        where = f"segments[{index}]"
        statements: list[str] = []
        external = [j for j, source in enumerate(segment.inputs) if source == EXTERNAL]
        raw = {j: f"raw{k}" for k, j in enumerate(external)}

        first = self.resolve(segment.sequence[0], f"{where}.sequence[0]")
        config = _config_literal(first, segment.sequence[0], f"{where}.sequence[0]")
        if first.flow_control:
            item_types = tuple(
                FLOW_CONTROL_INPUT if source == EXTERNAL else self.segment_types[source]
                for source in segment.inputs
            )
            self.types.item(item_types)
            items = []
            for j, (source, item_type) in enumerate(zip(segment.inputs, item_types, strict=True)):
                expr = f"Rc::new({raw[j]})" if source == EXTERNAL else f"Rc::clone(&seg{source})"
                items.append(self.types.wrap(item_types, item_type, expr))
            self.external_types += [FLOW_CONTROL_INPUT] * len(external)
            args = f"&[{', '.join(items)}]"
            value_type: ValueType = self._flow_output(first, item_types)
        else:
            if len(first.inputs) != len(segment.inputs):
                raise ManifestError(
                    f"{where}.inputs",
                    f"{first.name} takes {len(first.inputs)} input(s) "
                    f"({', '.join(first.inputs)}), the segment gives {len(segment.inputs)}",
                    hint="give the segment as many inputs as its first operation takes",
                )
            args_list = []
            for j, (source, wanted) in enumerate(zip(segment.inputs, first.inputs, strict=True)):
                if source == EXTERNAL:
                    k = external.index(j)
                    rust_type = PRIMITIVES[wanted]
                    statements.append(
                        f"let in{k} = decode_input::<{rust_type}>({raw[j]}, {index}, {k})?;"
                    )
                    args_list.append(f"&in{k}")
                    self.external_types.append(wanted)
                    continue
                given = self.segment_types[source]
                if given != wanted:
                    raise ManifestError(
                        f"{where}.inputs[{j}]",
                        f"segment {source} outputs {given}, but {first.name} takes {wanted} here",
                        hint="connect a segment whose output type matches, "
                        "or add an operation that converts it",
                    )
                args_list.append(f"&seg{source}")
            args = ", ".join(args_list)
            value_type = first.output
        statements.append(f"let v0 = {_call(first, args, config, index)};")

        previous = first
        for k, call in enumerate(segment.sequence[1:], start=1):
            step = f"{where}.sequence[{k}]"
            operation = self.resolve(call, step)
            config = _config_literal(operation, call, step)
            if operation.flow_control:
                self.types.item((value_type,))
                args = f"&[Rc::new(v{k - 1})]"
                value_type = self._flow_output(operation, (value_type,))
            else:
                if len(operation.inputs) != 1:
                    raise ManifestError(
                        step,
                        f"{operation.name} takes {len(operation.inputs)} inputs, but inside a "
                        "sequence an operation receives only the previous operation's output",
                        hint="start a new segment with it and list its inputs there",
                    )
                if operation.inputs[0] != value_type:
                    raise ManifestError(
                        step,
                        f"{operation.name} takes {operation.inputs[0]}, but the operation before "
                        f"it ({previous.name}) outputs {value_type}",
                        hint="reorder the sequence or insert an operation that converts "
                        f"{value_type} to {operation.inputs[0]}",
                    )
                args = f"&v{k - 1}"
                value_type = operation.output
            statements.append(f"let v{k} = {_call(operation, args, config, index)};")
            previous = operation

        self.segment_types.append(value_type)
        return SegmentPlan(
            index=index,
            external_count=len(external),
            statements=tuple(statements),
            result=f"v{len(segment.sequence) - 1}",
            output_type=value_type,
            rust_output_type=self.types.rust(value_type),
            var=f"seg{index}",
        )

    @staticmethod
    def _flow_output(operation: Operation, item_types: tuple[ValueType, ...]) -> ValueType:
        return CollectionType(item_types) if operation.output == COLLECTION else operation.output

    def plan(self) -> Plan:
        name = crate_name(self.manifest.name)
        if not name:
            raise ManifestError(
                "name",
                "has no letters or digits to make a crate name from",
                hint='use a name such as "cidv1_from_bytes"',
            )
        if name in self.registry.by_name or name == SUPPORT_CRATE:
            name += "_workflow"
        segments = [self.segment(i, s) for i, s in enumerate(self.manifest.segments)]
        used = {int(source) for s in self.manifest.segments for source in s.inputs} - {EXTERNAL}
        last = len(segments) - 1
        segments = [
            s
            if s.index in used or s.index == last
            else SegmentPlan(**{**s.__dict__, "var": f"_seg{s.index}"})
            for s in segments
        ]
        return Plan(
            manifest=self.manifest,
            crate_name=name,
            no_std=self.no_std,
            operations=tuple(sorted(self.used_ops.values(), key=lambda op: op.name)),
            segments=tuple(segments),
            item_enums=tuple(self.types.enums.values()),
            external_types=tuple(self.external_types),
            inputs_per_call=tuple(s.external_count for s in segments if s.external_count),
        )


def make_plan(manifest: WorkflowManifest, registry: Registry, no_std: bool = True) -> Plan:
    """Checks `manifest` against the operations in `registry` and plans its generated code."""
    return _Planner(manifest, registry, no_std).plan()
