"""The contract every layer in the catalog follows.

A ``LayerType`` is the static description of one Keras layer class: how its
constructor arguments are normalised (including Keras 1/2 spellings), what
output shape a call produces, and which weights ``build()`` creates.  Each
layer family module (``convolutional``, ``pooling``...) defines subclasses and
lists them in ``LAYERS``.

Inside ``output_shape`` and ``weights`` an argument or dimension that is not
known makes the method raise ``Unresolved`` (use ``known()``); the caller then
reports that part as unknown.  ``None`` in a shape is Keras's own dynamic
dimension and is propagated exactly as Keras does.

A layer type also holds the facts the interpreter and the rules ask about the
layer, instead of lists of class names: how it masks (``mask``,
``takes_mask``), how Keras 3 treats a subclass of it
(``subclass_interpreted``, ``built_in_init``...), and its ``roles`` for the
rules (``Role``).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Sequence

from kerascheck.unknown import Unknown, contains_unknown, is_unknown

Dim = Any  # int, None (Keras's dynamic dimension) or Unknown
Shape = tuple[Dim, ...]  # batch axis first
ShapeTree = Any  # a Shape, or a list of ShapeTree for several tensors


class Unresolved(Exception):
    """Raised when a result depends on something that is not known statically."""


class Invalid(Exception):
    """Raised when Keras itself would reject the layer (bad rank, negative size...)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def known(value: Any, what: str = "a value") -> Any:
    """Return ``value`` if it holds no unknown part, else raise ``Unresolved``."""
    if contains_unknown(value):
        raise Unresolved(f"{what} is unknown")
    return value


@dataclass(frozen=True)
class Weight:
    """One variable created by ``build()``."""

    name: str
    shape: tuple[int, ...]
    trainable: bool = True

    @property
    def size(self) -> int:
        return math.prod(self.shape)


@dataclass
class Explain:
    """Collects the human-readable derivation of a layer's shape and parameters."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


@dataclass
class Call:
    """What a layer is called with: the tensors' shapes and other call arguments."""

    inputs: ShapeTree  # the first positional argument, as shapes
    kwargs: dict[str, Any] = field(default_factory=dict)  # other call arguments (shapes for tensors)


class Role(enum.Flag):
    """What a layer (or an operation) is to the rules.  Each role is named after the
    question a rule asks of it (``ROLE_MEANINGS`` says which).  Sets that look alike
    differ on purpose: each rule looks through what its own question allows, so
    merging two roles would change what fires."""

    NONE = 0
    ACTIVATION = enum.auto()
    RECURRENT = enum.auto()
    KEEPS_ACTIVATION = enum.auto()
    REARRANGES = enum.auto()
    PER_POSITION = enum.auto()
    KEEPS_LAYOUT = enum.auto()
    READS_FEATURES = enum.auto()
    DROPS_UNITS = enum.auto()
    DROPS_FEATURE_MAPS = enum.auto()
    DIVIDES_BY_KEPT = enum.auto()
    BEFORE_DROPOUT = enum.auto()
    BUILDS_SEQUENCES = enum.auto()
    GATES = enum.auto()
    BEFORE_GATE = enum.auto()
    STAYS_AFFINE = enum.auto()


#: the question each role answers (and who asks it), for the code and docs/layers.md
ROLE_MEANINGS = {
    Role.ACTIVATION: "only applies an activation function: `activation` names it (for `Activation`, its argument does)",
    Role.RECURRENT: "a recurrent layer: it returns a sequence when `return_sequences=True`; its activation is tanh unless given",
    Role.KEEPS_ACTIVATION: "changes neither the values' meaning nor their activation: an output's head (its activation and the layer with weights) is found behind it",
    Role.REARRANGES: "only moves the values into another shape: the last axis is no longer the units of the layer before",
    Role.PER_POSITION: "works on each position (time step, pixel) alone and keeps the other axes (KC205, KC214)",
    Role.KEEPS_LAYOUT: "between a flattening and its Dense, changes neither the values' layout nor their number (KC202)",
    Role.READS_FEATURES: "reads its input as features it weighs: a softmax before it squashes them (KC209)",
    Role.DROPS_UNITS: "drops single units with probability `rate` during training (KC211)",
    Role.DROPS_FEATURE_MAPS: "drops whole feature maps with probability `rate` during training (KC211)",
    Role.DIVIDES_BY_KEPT: "its training-time noise divides by 1 − `rate` (KC211)",
    Role.BEFORE_DROPOUT: "may stand between a hidden layer and its dropout: Keras 1 wrote Dense, Activation, Dropout (KC211)",
    Role.BUILDS_SEQUENCES: "builds a sequence on purpose: an image's columns, a repeated vector (KC214)",
    Role.GATES: "multiplies its inputs: the gate of a squeeze-and-excitation block (KC204)",
    Role.BEFORE_GATE: "may stand between a squeeze-and-excitation bottleneck and its gate (KC204)",
    Role.STAYS_AFFINE: "scales or shifts each value by itself (a dropout mask, noise, identity): two Dense layers around it still compose into one affine map (KC217)",
}


class Mask(enum.Enum):
    """What the mask of a layer's output is, given its input's (Keras's
    ``supports_masking`` and ``compute_mask``; ``keras.masking`` runs it)."""

    #: none: the layer does not support masking, or its ``compute_mask`` returns None
    DROPPED = "dropped"
    #: the input's, unchanged (``supports_masking`` with Keras's default ``compute_mask``)
    PASSED = "passed"
    #: the merged inputs' masks joined by ``logical_or`` when every input has one
    MERGED = "logical or of the inputs' masks"
    #: ``Concatenate``'s: each input's mask (``ones_like`` where it has none), broadcast
    #: to the input's rank, concatenated and reduced with ``any``
    CONCATENATED = "concatenated masks"
    #: the input's when ``return_sequences=True``, else none (recurrent layers)
    SEQUENCES = "sequences"
    #: the input's when the wrapped layer returns sequences, else none (``Bidirectional``)
    WRAPPED_SEQUENCES = "wrapped sequences"
    #: computed from the input: ``input != 0`` when ``mask_zero=True`` (``Embedding``)
    NONZERO = "input ≠ 0"
    #: computed from the input: ``any(input != mask_value, axis=-1)`` (``Masking``)
    MASK_VALUE = "input ≠ mask_value"
    #: the query's mask, through ``convert_to_tensor`` (``Attention``)
    QUERY = "the query's"
    #: the layer's ``mask`` argument: none when it is None (``Lambda``)
    GIVEN = "its mask argument"

    @property
    def computed(self) -> bool:
        """The layer computes a mask from its input (Keras's mask operations become rows)."""
        return self in (Mask.NONZERO, Mask.MASK_VALUE)


#: what Keras 3's ``Layer.__init__`` takes from a layer's ``**kwargs``
LAYER_KEYWORDS = ("name", "dtype", "trainable", "autocast", "activity_regularizer", "input_shape", "input_dim")
#: what Keras 1/2's ``Layer`` also took, and Keras 3 rejects: kerascheck keeps their
#: intent (a declared input shape) and KC301 names their Keras 3 form
LEGACY_LAYER_KEYWORDS = ("batch_input_shape", "batch_size", "weights", "input_dtype", "dynamic")
#: the initializers, regularizers and constraints of a kernel and a bias
KERNEL_KEYWORDS = (
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
)


class LayerType:
    """Static model of one Keras layer class.  Subclass per layer.

    Its facts are class attributes; ``name``, ``built_sublayers``, ``roles``,
    ``activation`` and ``activation_axis`` are typed as instance attributes
    because an operation's type (``catalog.operations``) and a custom layer's
    type (``keras.custom_layers``) set them on the instance.
    """

    #: the Keras 3 class name, as ``model.summary()`` prints it
    name: str
    #: other class names that construct this layer (``MaxPool2D``, ``Convolution2D``)
    aliases: ClassVar[tuple[str, ...]] = ()
    #: a layer class of the analysed source, whose facts come from its methods
    of_source: ClassVar[bool] = False
    #: Keras 3 constructor parameters that may be given positionally, in order
    positional: ClassVar[tuple[str, ...]] = ()
    #: the Keras 3 constructor's other parameters, and the keywords its ``__init__``
    #: takes out of ``**kwargs`` (LSTM's ``implementation``); with ``positional``
    #: and ``layer_keywords``, what Keras 3 accepts (checked against Keras)
    keywords: ClassVar[tuple[str, ...]] = ()
    #: the keywords of Keras's ``Layer`` (``LAYER_KEYWORDS``) its constructor passes on
    layer_keywords: ClassVar[tuple[str, ...]] = LAYER_KEYWORDS
    #: defaults of the parameters that matter for shapes and counts
    defaults: ClassVar[dict[str, Any]] = {}
    #: Keras 1/2 defaults of parameters Keras 3 requires (AveragePooling2D's
    #: ``pool_size``): an omitted one is read as Keras 1/2 read it, and the
    #: legacy-API rule reports it
    legacy_defaults: ClassVar[dict[str, Any]] = {}
    #: Keras 1/2 keyword → Keras 3 keyword
    legacy_kwargs: ClassVar[dict[str, str]] = {}
    #: classes of the sublayers Keras creates, auto-named, when the layer is first
    #: built (MultiHeadAttention's Softmax and Dropout): they take names from the
    #: same counters as the model's layers
    built_sublayers: tuple[str, ...] = ()
    #: Keras marks the layer built when it is constructed (it has no weights to
    #: make: pooling, dropout, activations...), so an unused one still counts 0
    built_at_init: ClassVar[bool] = False
    #: keyword arguments that only Keras 1/2 accepted (for the legacy-API rule)
    #: beyond ``legacy_kwargs``; they are ignored
    ignored_legacy_kwargs: ClassVar[tuple[str, ...]] = ()
    #: the argument holding a function whose trace on the input gives the output
    #: (a Lambda's ``function``): the interpreter runs it on tensors of the input's shape
    traced_function: ClassVar[str | None] = None
    #: of ``legacy_kwargs``, those Keras 3 still accepts with a deprecation warning
    deprecated_kwargs: ClassVar[tuple[str, ...]] = ()
    #: Keras 1/2 keywords its ``legacy_args``, ``finish_config`` or
    #: ``declared_input_shape`` read (``nb_row``, ``dim_ordering``, ``input_length``)
    converted_legacy_kwargs: ClassVar[tuple[str, ...]] = ()

    # ----------------------------------------------------------- roles (rules)
    #: what the rules may assume about the layer (``Role``)
    roles: Role = Role.NONE
    #: with ``Role.ACTIVATION``: the activation function it applies (None: its
    #: ``activation`` argument names it)
    activation: str | None = None
    #: the argument that names the axis its activation works along (Softmax's
    #: ``axis``); None: the last axis
    activation_axis: str | None = None

    # ----------------------------------------------------------- masks
    #: what the mask of its output is
    mask: ClassVar[Mask] = Mask.DROPPED
    #: its ``call`` takes a ``mask`` argument: Keras passes the input's mask, which
    #: becomes an input of the call
    takes_mask: ClassVar[bool] = False

    # ----------------------------------------------------------- subclasses
    # How Keras 3 treats a subclass of the layer (``class MyDense(Dense)``);
    # tests/interpreter/test_custom_layers.py checks these against Keras.
    #: kerascheck interprets a subclass of it; not of the preprocessing layers (they
    #: run through their own ``__call__``), nor of Lambda and the RNN cells (their
    #: output comes from tracing ``call()``)
    subclass_interpreted: ClassVar[bool] = True
    #: of the ``built_at_init`` layers, one whose ``__init__`` sets ``self.built =
    #: True`` whatever the subclass: its ``build`` never runs.  The others call
    #: ``Layer._build_at_init()``, which marks the layer built (and locks its state
    #: once ``super().__init__`` returns) only if ``build`` is not overridden
    built_in_init: ClassVar[bool] = False
    #: its ``build`` is Keras's default and it is not built at construction: Keras
    #: traces ``call()`` to build a subclass that holds unbuilt sublayers
    traced_to_build: ClassVar[bool] = False
    #: its ``compute_output_spec`` ignores ``compute_output_shape`` (the input's shape)
    spec_ignores_shape: ClassVar[bool] = False
    #: its ``compute_output_spec`` calls ``compute_output_shape`` with several
    #: shapes, or its ``build`` takes several: an override is not followed
    several_shapes: ClassVar[bool] = False
    #: the parameters of its ``build()`` and ``compute_output_shape()``: the input's
    #: shape, then those of the call's other tensors (the keyword without
    #: ``_shape``); the first ``required_shapes`` have no default
    shape_parameters: ClassVar[tuple[str, ...]] = ("input_shape",)
    required_shapes: ClassVar[int] = 1
    #: attributes its ``__init__`` sets to the argument of the same name, as given
    #: (``self.units``), which a subclass's methods may read
    config_attributes: ClassVar[tuple[str, ...]] = ()

    # ----------------------------------------------------------- arguments
    def normalize(self, args: Sequence[Any], kwargs: dict[str, Any], called_as: str) -> dict[str, Any]:
        """Bind constructor arguments to Keras 3 names and fill defaults.

        ``called_as`` is the class name used at the call site (an alias such
        as ``Convolution2D`` may imply Keras 1 positional conventions).
        Override ``legacy_args`` for such conventions, not this method.
        """
        args, kwargs = self.legacy_args(list(args), dict(kwargs), called_as)
        cfg: dict[str, Any] = {**self.legacy_defaults, **self.defaults}
        for name, value in zip(self.positional, args):
            cfg[name] = value
        if len(args) > len(self.positional):
            cfg["_extra_positional"] = tuple(args[len(self.positional):])
        for key, value in kwargs.items():
            cfg[self.legacy_kwargs.get(key, key)] = value
        return self.finish_config(cfg)

    def unknown_keywords(self, keywords: Iterable[str]) -> list[str]:
        """The ``keywords`` that Keras 3's constructor rejects and that are no Keras
        1/2 spelling kerascheck knows for the layer."""
        legacy = (*self.legacy_kwargs, *self.ignored_legacy_kwargs, *self.converted_legacy_kwargs)
        accepted = {*self.positional, *self.keywords, *self.layer_keywords, *LEGACY_LAYER_KEYWORDS, *legacy}
        return [keyword for keyword in keywords if keyword not in accepted]

    def legacy_args(self, args: list, kwargs: dict, called_as: str) -> tuple[list, dict]:
        """Rewrite Keras 1/2 calling conventions into Keras 3 ones (default: none)."""
        return args, kwargs

    def finish_config(self, cfg: dict[str, Any]) -> dict[str, Any]:
        """Post-process a bound config (convert legacy values, e.g. ``'th'``)."""
        return cfg

    def check_arguments(self, cfg: dict[str, Any]) -> None:
        """Raise ``Invalid`` for an argument Keras's constructor rejects whatever the
        layer is later called on (default: none; the others are checked at the call)."""

    def declared_input_shape(self, cfg: dict[str, Any]) -> Shape | None | Unknown:
        """The input shape the layer declares for a model (with batch axis), if any.

        Handles ``input_shape``, ``batch_input_shape``, ``batch_size`` and
        ``input_dim`` generically; layers with more (``input_length``) override.
        """
        if "batch_input_shape" in cfg:
            shape = cfg["batch_input_shape"]
            return tuple(shape) if isinstance(shape, (tuple, list)) else Unknown("batch_input_shape")
        if "input_shape" in cfg:
            shape = cfg["input_shape"]
            if isinstance(shape, int):
                shape = (shape,)
            if not isinstance(shape, (tuple, list)):
                return Unknown("input_shape")
            batch = cfg.get("batch_size")
            return (batch, *shape)
        if cfg.get("input_dim") is not None:
            return (cfg.get("batch_size"), cfg["input_dim"])
        return None

    def keras2_input_shape(self, cfg: dict[str, Any]) -> Shape | None:
        """The input (with batch axis) Keras 1/2 gave a Sequential model starting with
        the layer where it declares none, and Keras 3 leaves the model unbuilt
        (an Embedding: a sequence of any length).  Default: none."""
        return None

    def custom_masking(self) -> Any:
        """How a layer of a class defined in the analysed code masks (``keras.masking.Custom``);
        None for the catalog's layers, whose facts are ``mask`` and ``takes_mask``."""
        return None

    # ----------------------------------------------------------- semantics
    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> ShapeTree:
        """The output shape(s) of calling the layer.  Default: identity."""
        return call.inputs

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        """The weights ``build()`` creates for the first call.  Default: none."""
        return []


# ------------------------------------------------------------------ helpers
def to_snake_case(name: str) -> str:
    """Keras's own auto-naming rule (``Conv2DTranspose`` → ``conv2d_transpose``)."""
    import re

    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def as_tuple(value: Any, n: int, what: str) -> tuple:
    """Keras's ``standardize_tuple``: an int becomes ``(v,) * n``."""
    value = known(value, what)
    if isinstance(value, bool):
        raise Invalid(f"{what} must be an int or a tuple of {n} ints")
    if isinstance(value, int):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n:
        return tuple(value)
    if isinstance(value, (tuple, list)) and len(value) == 1 and n == 1:
        return tuple(value)
    raise Invalid(f"{what} must be an int or a tuple of {n} ints, got {value!r}")


def check_rank(shape: Shape, rank: int | tuple[int, ...], layer: str) -> None:
    """Raise ``Invalid`` (KC103) when a known input rank is not the expected one."""
    ranks = (rank,) if isinstance(rank, int) else rank
    if len(shape) not in ranks:
        expected = " or ".join(str(r) for r in ranks)
        raise Invalid(
            f"{layer} expects an input of rank {expected}, got rank {len(shape)} {format_shape(shape)}",
            code="KC103",
        )


def channels_axis(cfg: dict[str, Any], rank: int) -> int:
    """Index of the channel axis for a ``data_format``."""
    fmt = known(cfg.get("data_format") or "channels_last", "data_format")
    return 1 if fmt == "channels_first" else rank - 1


def spatial_name(index: int, count: int) -> str:
    """How people call the ``index``-th of ``count`` spatial axes: height, width..."""
    names = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}.get(count)
    return names[index] if names else f"axis {index + 1}"


def dim_mul(*dims: Dim) -> Dim:
    """Product of dims; None if any is None (Keras), Unknown if any is unknown."""
    if any(is_unknown(d) for d in dims):
        return Unknown()
    if any(d is None for d in dims):
        return None
    return math.prod(dims)


def may_equal(a: Any, b: Any) -> bool:
    """Whether two shapes (or dims) may be the same: equal wherever both are known."""
    if is_unknown(a) or is_unknown(b):
        return True
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(may_equal(x, y) for x, y in zip(a, b))
    return bool(a == b)


def format_shape(shape: ShapeTree) -> str:
    """Format like Keras: ``(None, 8, 8, 32)``; unknown dims print as ``?``."""
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    if is_unknown(shape) or shape is None:
        return "?"
    inner = ", ".join("?" if is_unknown(d) else str(d) for d in shape)
    return f"({inner})"  # Keras prints a rank-1 shape as (None)


def conv_output_length(
    length: Dim,
    kernel: int,
    padding: str,
    stride: int,
    dilation: int = 1,
    ex: Explain | None = None,
    axis: str = "out",
) -> Dim:
    """Output length of a conv/pool window, exactly as Keras 3 computes it.

    ``padding`` is ``valid``, ``same`` or ``causal``.  ``None`` stays ``None``.
    A non-positive VALID result raises ``Invalid`` (KC101), as Keras does.
    """
    if is_unknown(length):
        return Unknown()
    if length is None:
        return None
    eff = dilation * (kernel - 1) + 1
    if padding == "valid":
        out = (length - eff) // stride + 1
        if out <= 0:
            raise Invalid(
                f"a {eff}-wide window does not fit in an input of length {length} "
                f"(floor(({length} − {eff}) / {stride}) + 1 = {out})",
                code="KC101",
            )
        if ex is not None:
            k = f"{kernel}" if dilation == 1 else f"{eff} (dilated)"
            ex.add(f"{axis} = floor(({length} + 0 − {k}) / {stride}) + 1 = {out}")
        return out
    if padding in ("same", "causal"):
        out = (length - 1) // stride + 1
        if ex is not None:
            ex.add(f"{axis} = ceil({length} / {stride}) = {out}  ({padding} padding)")
        return out
    raise Invalid(f"unknown padding {padding!r}")


def conv_transpose_output_length(
    length: Dim,
    kernel: int,
    padding: str,
    stride: int,
    output_padding: int | None = None,
    dilation: int = 1,
    ex: Explain | None = None,
    axis: str = "out",
) -> Dim:
    """Output length of a transposed convolution, as Keras 3 computes it."""
    if is_unknown(length):
        return Unknown()
    if length is None:
        return None
    eff = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(eff, stride) - eff if output_padding is None else output_padding
        out = (length - 1) * stride + eff + extra
        formula = f"({length} − 1) × {stride} + {eff} + {extra}"
    elif padding == "same":
        if output_padding is None:
            out = length * stride
            formula = f"{length} × {stride}"
        else:
            out = (length - 1) * stride + eff % 2 + output_padding
            formula = f"({length} − 1) × {stride} + {eff} mod 2 + {output_padding}"
    else:
        raise Invalid(f"unknown padding {padding!r}")
    if ex is not None:
        ex.add(f"{axis} = {formula} = {out}  (transposed, {padding} padding)")
    return out
