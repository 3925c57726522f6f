"""Subclasses of Keras layers defined in the analysed code.

A subclass of ``keras.layers.Layer`` (``SubclassType``): Keras 3 names it in
``super().__init__(**kwargs)``, creates its weights with ``add_weight`` (in
``__init__``, or in ``build(input_shape)`` on the first call), and finds its
output with ``compute_output_shape()`` when the class defines one, else by
tracing ``call()`` — on backend tensors, so the operations inside are not rows
of the model and take no names.  kerascheck interprets those methods the same
way; a layer it tracks as an attribute (``self.dense = Dense(...)``) counts
with its weights, once it is built.  ``self.trainable = False`` and
``self.name = ...`` in its methods set the layer's (``trainable`` also that of
the layers it holds by then; layers created after it keep their own, which
Keras's totals count: unknown).  A ``keras.Variable`` it creates is unknown.
Keras 1/2 code that lists backend variables in ``self.trainable_weights`` /
``self.non_trainable_weights`` (``variables``) has them as its weights, as
Keras 1/2 counted them (README "Legacy intent"; ``listed_weights``).  Its
``self.input_spec`` is checked on each call, before and after ``build``
(``input_specs``).
``super().get_config()`` is Keras's ``name``, ``trainable`` and ``dtype``
(``keras.wrappers`` re-creates a layer from its config as Bidirectional does).

A subclass of a concrete layer of the catalog (``ConcreteType``:
``class MyDense(Dense)``, through any chain of the source's classes) is that
layer configured by the arguments its ``super().__init__(...)`` receives, named
after the subclass (``my_dense``, ``my_dense_1``) and shown with the
subclass's class name.  Keras 3 finds its output with the base's
``compute_output_shape()`` (every catalog layer but the RNN cells and Lambda
has one), so an overridden ``call()`` does not change it and is not run —
unless the base's ``build`` is Keras's default, the layer is not built at
construction and holds unbuilt sublayers: then Keras traces ``call()`` to
build them, and so does kerascheck.  An overridden ``compute_output_shape()``
is interpreted (``super().compute_output_shape(shape)`` is the base's); an
overridden ``build(input_shape)`` runs on the first call, and the base's
weights exist only if it calls ``super().build(input_shape)`` with the input's
shape; ``add_weight`` and sublayers count as for ``Layer`` subclasses (Keras
rejects new state after ``super().__init__`` on the bases it builds at once,
Dropout, pooling, activations..., unless the subclass defines ``build``).  The
base's attributes the methods read (``self.units``, ``self.filters``...) are
its arguments.  The mask is the base's (``custom_masking``).  Unknown: overriding
``__call__``, ``compute_output_spec``; a ``compute_output_shape`` that
attention layers call with several shapes; an overridden ``call()`` given more
than the input; ``super().__init__`` with arguments of unknown content, twice,
or under an unknown condition; a build that reaches the base's otherwise than
by ``super().build(input_shape)`` (``super(Cls, self).build``, which the
interpreter does not follow); an attribute the base reads set to another value
than its argument (``self.units = 2 * units``), ``self.built`` or
``self.input_spec``; subclasses of preprocessing layers, of Lambda and of RNN
cells; a base kerascheck does not know in the class hierarchy.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

import libcst as cst

from kerascheck import catalog
from kerascheck.catalog.base import Call, Explain, Invalid, LayerType, Unresolved, Weight, format_shape, to_snake_case
from kerascheck.graph import Layer, Model, Tensor
from kerascheck.interpreter.values import MISSING, Arguments, Class, Function, Instance, Ref
from kerascheck.interpreter.walk import walk
from kerascheck.keras import input_specs, masking
from kerascheck.keras.session import Session, refuse_unknown_keywords
from kerascheck.keras.spellings import is_keras
from kerascheck.keras.values import Method, result_shape, set_trainable, shape_argument, tensors_for
from kerascheck.keras.variables import Variable
from kerascheck.unknown import Unknown, contains_unknown

#: arguments of ``add_weight`` (Keras 3) that may be given positionally, in order
ADD_WEIGHT = ("shape", "initializer", "dtype")
#: a layer's lists of weights, which Keras 1/2 code assigned itself (``K.variable``)
WEIGHT_LISTS = frozenset({"trainable_weights", "non_trainable_weights", "weights", "_trainable_weights", "_non_trainable_weights"})
#: those whose variables kerascheck counts, as Keras 1/2 did (the others: unknown)
COUNTED_LISTS = ("trainable_weights", "non_trainable_weights")
#: ``Layer.__init__`` keywords kept in the layer's config (for Sequential and rules)
INIT_KEYWORDS = ("name", "trainable", "dtype", "input_shape", "batch_input_shape", "batch_size", "input_dim")

# Facts about Keras 3's layer classes that decide how a subclass behaves are the
# base's catalog type's (subclass_interpreted, built_in_init, traced_to_build,
# spec_ignores_shape, several_shapes, config_attributes; tests/interpreter/
# test_custom_layers.py checks them against Keras).
#: attributes a subclass may set, which ``SubclassType.adopt`` / ``custom_masking`` follow
ADOPTED = ("trainable", "name", "supports_masking")
#: arguments whose attribute changes neither shapes nor counts
IRRELEVANT_SUFFIXES = ("activation", "_initializer", "_regularizer", "_constraint", "dtype")


class SubclassType(LayerType):
    """The catalog entry of one instance of a Layer subclass: its methods, interpreted."""

    of_source = True

    def __init__(self, session: Session, instance: Instance, site: cst.CSTNode | None) -> None:
        self.name = instance.cls.name
        self.session = session
        self.instance = instance
        self.site = site
        self.built = not isinstance(instance.cls.lookup("build"), Function)  # Keras builds it at once
        self.initialised = False  # Layer.__init__ ran (the layer has its name)
        self.own: list[Weight] | Unknown = []  # the weights add_weight created
        self.variables: list[Variable] = []  # their variables, in the same order
        self.listed: dict[str, int] = {}  # weight lists it sets itself → how many of own they replace
        self.adopted: dict[str, Any] = {}  # the values of self.trainable / self.name applied

    def adopt(self) -> None:
        """``self.trainable = ...`` and ``self.name = ...`` in the class's methods set
        Keras's layer attributes (``trainable`` also those of the layers it holds by
        then: those assigned before it)."""
        layer, attrs = self.instance.native, self.instance.attrs
        for key in ("trainable", "name"):
            if key not in attrs or self.adopted.get(key, MISSING) is attrs[key]:
                continue
            value = self.adopted[key] = attrs[key]
            if key == "name":
                layer.name, layer.named = (value, True) if isinstance(value, str) else ("?", False)
            elif not isinstance(value, bool):
                self.own = Unknown(f"{self.name} sets trainable to a value kerascheck cannot evaluate")
            else:
                layer.trainable = value
                keys = list(attrs)
                for earlier in keys[: keys.index("trainable")]:
                    for sublayer in layers_in(attrs[earlier], layer):
                        set_trainable(sublayer, value)
                later = [s for k in keys[keys.index("trainable") + 1 :] for s in layers_in(attrs[k], layer)]
                if any(sublayer.trainable != value for sublayer in later):
                    # Keras's totals count their variables by their own flags, not as the row shows
                    self.own = Unknown(f"{self.name} holds layers created after self.trainable = {value}")

    # ------------------------------------------------------------ weights
    def add_weight(self, arguments: Arguments) -> Any:
        """``self.add_weight(...)``: a variable of the layer (a tensor of its shape)."""
        args, kwargs = arguments.positional, arguments.keywords
        given = dict(zip(ADD_WEIGHT, args)) | kwargs
        shape = given.get("shape")
        shape = () if shape is None else tuple(shape) if isinstance(shape, (list, tuple)) else shape
        trainable = given.get("trainable", True)
        if len(args) > len(ADD_WEIGHT) or set(kwargs) & set(ADD_WEIGHT[: len(args)]):
            self.own = Unknown(f"{self.name} calls add_weight with arguments Keras 3 rejects")
        elif self.session.host.changes_uncertainly(self.instance) or arguments.opaque:
            self.own = Unknown(f"{self.name} adds a weight under a condition kerascheck cannot evaluate")
        elif not isinstance(shape, tuple) or contains_unknown(shape) or not all(_is_size(d) for d in shape):
            self.own = Unknown(f"{self.name} adds a weight of unknown shape")
        elif not isinstance(trainable, bool):
            self.own = Unknown(f"{self.name} adds a weight whose trainable flag is unknown")
        elif isinstance(self.own, list):
            name = given.get("name")
            self.own.append(Weight(name if isinstance(name, str) else f"variable_{len(self.own)}", shape, trainable))
            self.variables.append(Variable(shape))
            return self.variables[-1]
        return Tensor(shape if isinstance(shape, tuple) else Unknown("a weight of unknown shape"))

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        if isinstance(self.own, Unknown):
            raise Unresolved(self.own.reason)
        if _mentions(self.instance.cls, "Variable"):  # Keras tracks a keras.Variable held as an attribute
            raise Unresolved(f"{self.name} creates a Variable kerascheck does not follow (use add_weight)")
        weights = self.listed_weights(ex) if self.listed else list(self.own)
        if _may_hold_layers(self.instance):
            raise Unresolved(f"which layers {self.name} holds depends on a condition kerascheck cannot evaluate")
        for sublayer in _tracked(self.instance):
            trainable, frozen = sublayer.param_counts()
            if trainable is None or frozen is None:
                raise Unresolved(f"the weights of {sublayer.name} ({sublayer.class_name}) are unknown")
            weights += [Weight(f"{sublayer.name}/trainable", (trainable,))] if trainable else []
            weights += [Weight(f"{sublayer.name}/non_trainable", (frozen,), False)] if frozen else []
        if not self.listed:
            for weight in self.own:
                ex.add(f"{self.name}: add_weight {format_shape(weight.shape)}" + ("" if weight.trainable else " (non-trainable)"))
        return weights

    def listed_weights(self, ex: Explain) -> list[Weight]:
        """Keras 1/2: the variables the class lists in ``self.trainable_weights`` /
        ``self.non_trainable_weights`` are the layer's weights of that kind, in place
        of those add_weight had made by then (README "Legacy intent")."""
        assert isinstance(self.own, list)
        if _tracked(self.instance):
            raise Unresolved(f"{self.name} holds layers and sets its weight lists itself")
        kinds = {name: name == "trainable_weights" for name in self.listed}
        replaced = {i for name, made in self.listed.items() for i in range(made) if self.own[i].trainable == kinds[name]}
        weights = [w for i, w in enumerate(self.own) if i not in replaced]
        counted = [v for i, v in enumerate(self.variables) if i not in replaced]
        for name, trainable in kinds.items():
            value = self.instance.attrs.get(name)
            if not isinstance(value, (list, tuple)) or self.session.host.is_tainted(value):
                raise Unresolved(f"{self.name} sets self.{name} to a value kerascheck does not know")
            for item in value:
                if not isinstance(item, Variable):
                    raise Unresolved(f"{self.name} lists in self.{name} a value that is not a variable of known shape")
                if any(item is other for other in counted):
                    raise Unresolved(f"{self.name} lists a variable twice in its weights")
                counted.append(item)
                weights.append(Weight(f"{name}_{len(weights)}", item.shape, trainable))
                ex.add(f"{self.name}: self.{name} lists a variable {format_shape(item.shape)} (Keras 1/2)")
        return weights

    # ------------------------------------------------------------ masks
    def custom_masking(self) -> masking.Custom:
        """Keras's masking of a Layer subclass: it supports masking when it defines
        ``compute_mask`` (or sets ``self.supports_masking``); its ``compute_mask`` runs
        on symbolic tensors (its operations take names), Keras's passes the mask on."""
        cls, attrs = self.instance.cls, self.instance.attrs
        call, compute = cls.lookup("call"), cls.lookup("compute_mask")
        takes = masking.takes_mask_argument(call)
        supports = attrs.get("supports_masking", compute is not MISSING)
        if not isinstance(supports, bool) or (compute is not MISSING and not isinstance(compute, Function)):
            return masking.Custom(takes, unknown=f"how {self.name} masks its output is not known")
        if supports and compute is not MISSING:
            return masking.Custom(takes, compute=lambda first, mask: self.run("compute_mask", [first, mask], {}))
        return masking.Custom(takes, passes=supports)

    # ------------------------------------------------------------ output
    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> Any:
        shapes = call.inputs
        self.check_input_spec(shapes)
        if self.build_once(shapes):
            self.check_input_spec(shapes)  # Keras checks again: build() may set it
        compute = self.instance.cls.lookup("compute_output_shape")
        if isinstance(compute, Function):
            ex.add(f"{self.name}: output from compute_output_shape()")
            return self.compute_output_shape(shapes)
        ex.add(f"{self.name}: output from call()")
        return result_shape(self.trace_call(call))

    def check_input_spec(self, shapes: Any) -> None:
        """Keras checks each call's inputs against the layer's ``self.input_spec``."""
        input_specs.check(self.name, self.instance.attrs.get("input_spec"), _first_shape(shapes))

    def build_once(self, shapes: Any) -> bool:
        """Keras's ``build(input_shape)`` of the layer, unless it is built (whether it ran)."""
        if self.built:
            return False
        self.built = True
        self.run("build", [_first_shape(shapes)], {})
        return True

    def compute_output_shape(self, shapes: Any) -> Any:
        """What the class's ``compute_output_shape`` gives for ``shapes``."""
        return _as_shape(self.run("compute_output_shape", [_first_shape(shapes)], {}))

    def trace_call(self, call: Call) -> Any:
        """What ``call()`` returns on tensors of the call's shapes: its operations
        are not rows, and the layers it creates take names Keras may take twice."""
        kwargs = {k: (Unknown("a tensor argument") if isinstance(v, (tuple, list)) else v) for k, v in call.kwargs.items()}
        namer, tracing = self.session.name, self.session.name.tracing
        self.session.scratch += 1
        namer.tracing = True
        try:
            return self.run("call", [tensors_for(call.inputs)], kwargs)
        finally:
            self.session.scratch -= 1
            namer.tracing = tracing

    def lookup(self, name: str) -> Any:
        """The class's method ``name`` that Keras would run (MISSING if none)."""
        return self.instance.cls.lookup(name)

    def run(self, method: str, args: list, kwargs: dict) -> Any:
        function = self.lookup(method)
        if not isinstance(function, Function):
            raise Unresolved(f"{self.name}.{method}() is not defined in the analysed code")
        try:
            return self.session.host.call_function(function, Arguments([self.instance, *args], kwargs), self.site)
        finally:
            self.adopt()


class ConcreteType(SubclassType):
    """The catalog entry of one instance of a subclass of a concrete Keras layer
    (``class MyDense(Dense)``): the base's catalog type, configured by the
    arguments of ``super().__init__``, with the subclass's overrides interpreted."""

    def __init__(self, session: Session, instance: Instance, site: cst.CSTNode | None, base: Ref) -> None:
        super().__init__(session, instance, site)
        cls = instance.cls
        self.called_as = base.last  # the spelling of the base (an alias: Convolution2D)
        base_type = catalog.lookup(base.last)
        assert base_type is not None  # concrete_base() found it in the catalog
        self.base: LayerType = base_type
        self.unresolved = ""  # why the layer cannot be computed
        self.start = session.host.region  # the branch of an unknown condition it was constructed in
        self.user_build = own_method(cls, "build") is not MISSING
        # Keras builds it on the first call (self.build), unless the base's __init__ set built
        self.built = self.base.built_in_init
        self.base_built: bool | Unknown = False  # the overridden build called super().build(shape)
        self.building: Call | None = None  # the call whose build is running
        self.traced = False  # Keras traced call() to build its sublayers
        self.call_args = self.base.call_args if hasattr(self.base, "call_args") else ()
        self.built_sublayers = () if self.user_build else self.base.built_sublayers
        # Keras marks it built in __init__ (state locked: no weights, no sublayers after)
        self.locked = self.base.built_at_init and not self.user_build and not self.base.built_in_init

    # a property over LayerType's class attribute: whether Keras built it depends on the instance
    @property
    def built_at_init(self) -> bool:  # type: ignore[override]  # read by Layer.param_counts
        # an unused one counts 0
        constructed = self.base.built_at_init and (not self.user_build or self.base.built_in_init)
        return constructed and not self.unresolved and self.own == [] and not _tracked(self.instance)

    def declared_input_shape(self, cfg: dict[str, Any]) -> Any:
        return self.base.declared_input_shape(cfg)

    def keras2_input_shape(self, cfg: dict[str, Any]) -> Any:
        return self.base.keras2_input_shape(cfg)

    def custom_masking(self) -> masking.Custom:
        """As its base masks (the base's ``__init__`` sets ``supports_masking``, its
        ``compute_mask`` makes the output's mask); the mask is an argument of the
        call when the ``call`` that runs takes ``mask``."""
        cls = self.instance.cls
        call = own_method(cls, "call")
        if call is MISSING:
            takes: bool | None = self.base.takes_mask
        else:
            takes = masking.takes_mask_argument(call)
        if own_method(cls, "compute_mask") is not MISSING or "supports_masking" in self.instance.attrs:
            return masking.Custom(takes, unknown=f"{cls.name} changes how Keras masks its output")
        return masking.Custom(takes, base=self.base, config=self.instance.native.config)

    # ------------------------------------------------------------ weights
    def add_weight(self, arguments: Arguments) -> Any:
        if not self.initialised:
            self.own = Unknown(f"{self.name} adds a weight before super().__init__(), which Keras rejects")
        elif self.locked:
            self.own = Unknown(f"Keras rejects a weight added to {self.name}: {self.base.name} is built in __init__")
        return super().add_weight(arguments)

    def weights(self, cfg: dict[str, Any], call: Call, ex: Explain) -> list[Weight]:
        if self.unresolved or self.shadowed():
            raise Unresolved(self.unresolved or self.shadowed())
        sublayers = _tracked(self.instance)
        if sublayers and self.locked:
            raise Unresolved(f"Keras rejects the sublayers of {self.name}: {self.base.name} is built in __init__")
        if any(_holds(value, sublayer) for value in cfg.values() for sublayer in sublayers):
            raise Unresolved(f"{self.name} holds the layer it wraps as an attribute too")
        if self.user_build and isinstance(self.base_built, Unknown):
            raise Unresolved(self.base_built.reason)
        unbuilt = [s for s in sublayers if None in s.param_counts()]
        if unbuilt and not self.user_build and not self.traced:
            raise Unresolved(
                f"Keras builds {self.name} with {self.base.name}'s build(), not call(): {unbuilt[0].name} "
                f"({unbuilt[0].class_name}) stays unbuilt unless other code builds it"
            )
        if self.user_build and not self.base_built and _mentions_build(self.instance.cls):
            # super(Cls, self).build(...), Dense.build(self, ...): the base's build, not followed
            raise Unresolved(f"{self.name}.build() calls a build() kerascheck does not follow")
        own = super().weights(cfg, call, ex)
        if self.user_build and not self.base_built:
            ex.add(f"{self.name}: build() does not call super().build(): no {self.base.name} weights")
            return own
        return self.base.weights(cfg, call, ex) + own

    def super_build(self, arguments: Arguments) -> None:
        """``super().build(input_shape)`` in the overridden build: the base's weights."""
        args, kwargs = arguments.positional, arguments.keywords
        only_positional = not kwargs and not arguments.opaque
        shape = args[0] if len(args) == 1 and only_positional else kwargs.get("input_shape", MISSING) if not args else MISSING
        if self.building is None or self.base_built is not False:
            self.base_built = Unknown(f"{self.name} calls super().build() outside its first build, or twice")
        elif self.base.several_shapes or shape is MISSING or contains_unknown(shape):
            self.base_built = Unknown(f"{self.name} calls super().build() with arguments kerascheck does not follow")
        elif _as_tuples(shape) != _as_tuples(_first_shape(self.building.inputs)):
            self.base_built = Unknown(f"{self.name} builds its {self.base.name} weights for another shape than its input's")
        elif self.session.host.region is not self.start:
            self.base_built = Unknown(f"{self.name} calls super().build() under a condition kerascheck cannot evaluate")
        else:
            self.base_built = True

    # ------------------------------------------------------------ output
    def output_shape(self, cfg: dict[str, Any], call: Call, ex: Explain) -> Any:
        if self.unresolved:
            raise Unresolved(self.unresolved)
        cls, base = self.instance.cls, self.base.name
        if own_method(cls, "compute_output_spec") is not MISSING:
            raise Unresolved(f"{self.name} overrides compute_output_spec()")
        overridden_call = own_method(cls, "call") is not MISSING
        if overridden_call and any(k != "training" for k in call.kwargs):
            raise Unresolved(f"{self.name} overrides call() and is called with more than its input")
        if not self.built:
            self.built = True
            self.build(call)
        if self.shadowed():
            raise Unresolved(self.shadowed())
        compute = own_method(cls, "compute_output_shape")
        if compute is not MISSING and not self.base.spec_ignores_shape:
            if self.base.several_shapes:
                raise Unresolved(f"{base} calls {self.name}.compute_output_shape() with several shapes")
            ex.add(f"{self.name}: output from compute_output_shape()")
            return _as_shape(self.run("compute_output_shape", [_first_shape(call.inputs)], {}))
        if overridden_call:
            ex.add(f"{self.name}: a {base}; Keras computes the output with {base}'s compute_output_shape(), not call()")
        else:
            ex.add(f"{self.name}: a {base}")
        return self.base.output_shape(cfg, call, ex)

    def build(self, call: Call) -> None:
        """What Keras does on the first call of a layer that is not built."""
        if self.user_build:
            for sublayer in self.base.built_sublayers:  # the base's build may create them
                self.session.name.uncertain.add(to_snake_case(sublayer))
            self.building = call
            try:
                self.run("build", [_first_shape(call.inputs)], {})
            finally:
                self.building = None
        elif self.base.traced_to_build and own_method(self.instance.cls, "call") is not MISSING:
            unbuilt = [s for s in _tracked(self.instance) if isinstance(s, Layer) and s.type is not None and s.weights is None]
            if unbuilt:
                self.traced = True
                self.trace_call(call)  # Keras traces call() to build the sublayers

    def super_output_shape(self, arguments: Arguments) -> Any:
        """``super().compute_output_shape(shape)``: the base's output for that shape."""
        args, kwargs = arguments.positional, arguments.keywords
        only_positional = not kwargs and not arguments.opaque
        shape = args[0] if len(args) == 1 and only_positional else kwargs.get("input_shape") if not args else None
        if self.base.several_shapes or not isinstance(shape, (tuple, list)):
            return Unknown(f"super().compute_output_shape() of {self.name}")
        return self._base_output(_first_shape(list(shape) if _is_shape_list(shape) else tuple(shape)))

    def super_call(self, arguments: Arguments) -> Any:
        """``super().call(inputs)`` (in a traced call()): the base layer's output."""
        args, kwargs = arguments.positional, arguments.keywords
        first = args[0] if args else kwargs.get("inputs")
        if len(args) > 1 or set(kwargs) - {"inputs", "training"} or arguments.opaque:
            return Tensor(Unknown(f"super().call() of {self.name} with more than its input"))
        shapes = _shapes_of(first)
        if shapes is MISSING:
            return Tensor(Unknown(f"super().call() of {self.name} on a value that is not a tensor"))
        output = self._base_output(shapes)
        if isinstance(output, list):
            return [Tensor(s) for s in output]
        return Tensor(output)

    def _base_output(self, shapes: Any) -> Any:
        try:
            return self.base.output_shape(self.instance.native.config, Call(shapes), Explain())
        except (Unresolved, Invalid, TypeError, ValueError, IndexError, KeyError, ZeroDivisionError, AttributeError):
            return Unknown(f"the {self.base.name} output of {self.name}")

    def attribute(self, name: str) -> Any:
        """An attribute the base's ``__init__`` set from its argument (``self.units``)."""
        config = self.instance.native.config
        if name in self.base.config_attributes and name in config:
            return config[name]
        return MISSING

    def lookup(self, name: str) -> Any:
        return own_method(self.instance.cls, name)

    def shadowed(self) -> str:
        """Why the base's computation no longer holds: the class's methods set an
        attribute the base reads (``self.units = 2 * units``) to another value than
        its argument, or ``self.built``."""
        config = self.instance.native.config
        names = set(config) | set(self.base.positional) | set(self.base.defaults)
        for key, value in self.instance.attrs.items():
            plain = key.lstrip("_")
            if key == "built":
                return f"{self.name} sets self.built, which decides whether Keras builds it"
            if key == "input_spec":
                return f"{self.name} sets self.input_spec, which {self.base.name}'s build may set again"
            if key in ADOPTED or plain not in names or plain.endswith(IRRELEVANT_SUFFIXES):
                continue
            if not _same(value, config.get(plain, MISSING)):
                return f"{self.name} sets self.{key}, which {self.base.name} reads, to another value than its argument"
        return ""


# ---------------------------------------------------------------- classes
def keras_layer_subclass(cls: Class) -> bool:
    """Whether ``cls`` derives from ``keras.layers.Layer`` itself (not from a concrete
    layer, whose build and call are Keras's) and keeps Keras's ``__call__``."""
    if isinstance(cls.lookup("__call__"), Function):
        return False
    if any(ref.last != "Layer" for ref in _keras_bases(cls)):
        return False  # a concrete layer too, further in the hierarchy
    for base in cls.bases:
        if isinstance(base, Class):
            return keras_layer_subclass(base)
        if is_keras(base):
            return base.last == "Layer"
    return False


def concrete_base(cls: Class) -> Ref | None:
    """The concrete catalog layer ``cls`` derives from (``keras.layers.Dense``), when
    its hierarchy has only the source's classes and that layer (and maybe ``Layer``),
    it keeps Keras's ``__call__`` and overrides the shape hooks with functions."""
    if own_method(cls, "__call__") is not MISSING:
        return None
    for entry in cls.mro()[1:]:
        if not isinstance(entry, Class) and not is_keras(entry):
            return None  # a base kerascheck does not know
    concrete = [ref for ref in _keras_bases(cls) if ref.last != "Layer"]
    if len(concrete) != 1 or ".layers." not in concrete[0].path + ".":
        return None
    base = catalog.lookup(concrete[0].last)
    if base is None or not base.subclass_interpreted:
        return None
    for method in ("__init__", "build", "call", "compute_output_shape", "compute_mask"):
        if own_method(cls, method) not in (MISSING,) and not isinstance(own_method(cls, method), Function):
            return None
    return concrete[0]


def own_method(cls: Class, name: str) -> Any:
    """``name`` as the source's classes define it for ``cls``, in Python's method
    resolution order (MISSING when the Keras base provides it)."""
    for entry in cls.mro():
        if not isinstance(entry, Class):
            break
        if name in entry.namespace:
            return entry.namespace[name]
    return MISSING


def _mentions_build(cls: Class) -> bool:
    """Whether a ``build`` of the source's classes for ``cls`` refers to any ``.build``."""
    return _mentions(cls, "build", methods=("build",), names=False)


def _mentions(cls: Class, word: str, methods: tuple[str, ...] = (), names: bool = True) -> bool:
    """Whether the methods of the source's classes for ``cls`` (those named in
    ``methods``, or all) refer to ``word`` as an attribute (``x.word``) or a name."""
    for entry in cls.mro():
        if not isinstance(entry, Class):
            break
        for key, function in entry.namespace.items():
            if isinstance(function, Function) and (not methods or key in methods):
                attributes, every_name = _words(function.node)
                if word in (every_name if names else attributes):
                    return True
    return False


@functools.lru_cache(maxsize=4096)
def _words(node: cst.CSTNode) -> tuple[frozenset[str], frozenset[str]]:
    """The attributes (``x.word``) and every name (attributes' too) a function
    refers to (read once: each layer of a class asks when it is built)."""
    attributes: set[str] = set()
    names: set[str] = set()
    for found in walk(node):
        if type(found) is cst.Attribute:
            attributes.add(found.attr.value)
        elif type(found) is cst.Name:
            names.add(found.value)
    return frozenset(attributes), frozenset(names)


def _keras_bases(cls: Class) -> list[Ref]:
    return [entry for entry in cls.mro() if is_keras(entry)]


# ---------------------------------------------------------------- instances
def instantiate(session: Session, cls: Class, arguments: Arguments, node: cst.CSTNode) -> Layer:
    """``cls(*args, **kwargs)``: run ``__init__``; the layer is named when it calls
    ``super().__init__`` (or at once, when the class defines no ``__init__``)."""
    kind = lambda instance: SubclassType(session, instance, node)  # noqa: E731
    return _construct(session, cls, arguments, node, kind, cls.lookup("__init__"), layer_init)


def instantiate_concrete(session: Session, cls: Class, base: Ref, arguments: Arguments, node: cst.CSTNode) -> Layer:
    """``cls(*args, **kwargs)`` for a subclass of a concrete layer: run ``__init__``;
    the base is configured (and the layer named) by ``super().__init__(...)``, or by
    these arguments when the classes define no ``__init__``."""
    kind = lambda instance: ConcreteType(session, instance, node, base)  # noqa: E731
    return _construct(session, cls, arguments, node, kind, own_method(cls, "__init__"), concrete_init)


def _construct(
    session: Session,
    cls: Class,
    arguments: Arguments,
    node: cst.CSTNode,
    make_type: Callable[[Instance], SubclassType],
    init: Any,
    keras_init: Callable[[Session, Layer, Arguments], None],
) -> Layer:
    """The layer of ``cls(...)``: its type, then the source's ``__init__`` (or, when
    the classes define none, Keras's own ``keras_init`` on the arguments)."""
    layer = session.host.born(Layer("?", cls.name, node))
    instance = session.host.born(Instance(cls, native=layer))
    layer.type = kind = make_type(instance)
    if isinstance(init, Function):
        session.host.call_function(init, arguments.but(positional=[instance, *arguments.positional]), node)
    else:
        keras_init(session, layer, arguments)
    kind.adopt()
    if not kind.initialised:
        layer.type = None
        layer.unknown_reason = f"{cls.name}.__init__ does not call super().__init__() in a way kerascheck follows"
    return layer


def layer_init(session: Session, layer: Layer, arguments: Arguments) -> None:
    """``Layer.__init__(**kwargs)``: the name, trainable flag and declared input."""
    kwargs = arguments.keywords
    if arguments.opaque:
        kwargs = {**kwargs, "name": Unknown("**kwargs")}
    layer.name = session.name.given(kwargs.get("name"), layer.class_name)
    layer.named = isinstance(kwargs.get("name"), str)
    layer.config.update({k: v for k, v in kwargs.items() if k in INIT_KEYWORDS})
    if isinstance(layer.type, SubclassType):
        layer.type.initialised = True
    layer.config.setdefault("data_format", session.data_format)
    if kwargs.get("trainable") is False:
        layer.trainable = False


def concrete_init(session: Session, layer: Layer, arguments: Arguments) -> None:
    """``Base.__init__(*args, **kwargs)`` of a concrete layer: its config (normalised
    as the catalog does for the base), the name Keras gives the subclass, trainable."""
    kind = layer.type
    assert isinstance(kind, ConcreteType)
    if kind.initialised:  # (both branches of an unknown condition, too)
        kind.unresolved = kind.unresolved or f"{layer.class_name} calls super().__init__() twice"
        return
    kind.initialised = True
    try:
        config = kind.base.normalize(list(arguments.positional), dict(arguments.keywords), kind.called_as)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        config = {}
        kind.unresolved = f"the arguments of {kind.base.name} in {layer.class_name} are not understood"
    if arguments.opaque:
        kind.unresolved = f"{layer.class_name} passes arguments of unknown content to {kind.base.name}"
    elif session.host.region is not kind.start:
        kind.unresolved = f"{layer.class_name} calls super().__init__() under a condition kerascheck cannot evaluate"
    if not arguments.opaque:
        refuse_unknown_keywords(layer, kind.base, arguments.keywords)
    if config.get("data_format") is None:
        config["data_format"] = session.data_format
    name = config.get("name")
    layer.name = session.name.given(Unknown("the name") if kind.unresolved else name, layer.class_name)
    layer.named = isinstance(name, str) and not kind.unresolved
    layer.config = config
    if config.get("trainable") is False:
        layer.trainable = False


def built_by_program(session: Session, layer: Layer, arguments: Arguments) -> None:
    """``block.build(input_shape)`` called by the program on a Layer subclass whose
    build() the source defines: Keras marks it built, and its weights (its own and
    its sublayers') are what that build made."""
    kind = layer.type
    if not isinstance(kind, SubclassType) or isinstance(kind, ConcreteType) or layer.weights is not None:
        return
    shape = shape_argument(arguments)
    kind.built = True
    if shape is None or session.host.changes_uncertainly(kind.instance):
        layer.weights_reason = layer.weights_reason or f"{kind.name} is built on a shape kerascheck does not know"
        return
    layer.build(Call(shape))


def base_config(layer: Layer) -> dict[str, Any]:
    """``super().get_config()`` in a Layer subclass that defines ``get_config``: Keras's
    ``name``, ``trainable`` and ``dtype`` (its policy: the ``dtype`` argument, else unknown)."""
    dtype = layer.config.get("dtype")
    return {
        "name": layer.name if layer.name != "?" else Unknown("the layer's name"),
        "trainable": layer.trainable,
        "dtype": dtype if isinstance(dtype, str) else Unknown("the layer's dtype policy"),
    }


def weights_assigned(session: Session, layer: Layer, name: str) -> None:
    """``self.trainable_weights = [self.gamma]`` (Keras 1/2, variables made with
    ``K.variable``): Keras 3 refuses it, Keras 1/2 counted the variables listed
    (read when the layer is built: ``listed_weights``); ``self.weights = ...`` and
    the private lists stay unknown."""
    kind = layer.type
    if not isinstance(kind, SubclassType) or isinstance(kind.own, Unknown):
        return
    if name not in COUNTED_LISTS or isinstance(kind, ConcreteType):
        kind.own = Unknown(f"{kind.name} sets self.{name} itself (Keras 1/2 variables, which Keras 3 refuses)")
    elif session.host.changes_uncertainly(kind.instance):
        kind.own = Unknown(f"{kind.name} sets self.{name} under a condition kerascheck cannot evaluate")
    elif not kind.initialised:  # Keras 1's Layer.__init__ kept the list, Keras 2's emptied it
        kind.own = Unknown(f"{kind.name} sets self.{name} before super().__init__()")
    else:
        kind.listed[name] = len(kind.own)


def attribute(instance: Instance, name: str) -> Any:
    """An attribute of a Layer subclass instance that Keras's ``Layer`` provides."""
    layer = instance.native
    if name in ("add_weight", "add_variable"):
        return Method(instance, name)
    if name == "name":
        return layer.name
    if name == "trainable":
        return layer.trainable
    if name == "built" and isinstance(layer.type, SubclassType) and isinstance(layer.type.built, bool):
        return layer.type.built  # ``if not self.built: self.build(shape)`` in compute_output_shape
    if isinstance(layer.type, ConcreteType):
        found = layer.type.attribute(name)
        if found is not MISSING:
            return found
    return Unknown(f"{instance.cls.name}.{name}")


def method(session: Session, instance: Instance, method: Method, arguments: Arguments) -> Any:
    """``self.add_weight(...)``, ``super().__init__(...)``, ``super().build(...)``,
    ``super().compute_mask(...)``..."""
    layer = instance.native
    name, of_super = method.name, method.of_super
    if name in ("add_weight", "add_variable") and isinstance(layer.type, SubclassType):
        return layer.type.add_weight(arguments)
    if isinstance(layer.type, ConcreteType):
        kind = layer.type
        if of_super and name == "__init__":
            concrete_init(session, layer, arguments)
            return None
        if of_super and name == "build":
            return kind.super_build(arguments)
        if of_super and name == "compute_output_shape":
            return kind.super_output_shape(arguments)
        if of_super and name == "call":
            return kind.super_call(arguments)
        return Unknown(f"{instance.cls.name}.{method.label}()")
    if of_super and name == "__init__" and not arguments.positional:
        layer_init(session, layer, arguments)
        return None
    if of_super and name == "get_config" and not arguments.positional and not arguments.keywords and not arguments.opaque:
        return base_config(layer)
    if of_super and name == "build":
        return None
    if of_super and name == "compute_mask":  # Keras's: the mask it is given
        args, kwargs = arguments.positional, arguments.keywords
        if len(args) == 2 and not kwargs and not arguments.opaque:
            return args[1]
        if len(args) == 1 and set(kwargs) == {"previous_mask"} and not arguments.opaque:
            return kwargs["previous_mask"]
    return Unknown(f"{instance.cls.name}.{method.label}()")


# ---------------------------------------------------------------- helpers
def _is_size(dim: Any) -> bool:
    return isinstance(dim, int) and not isinstance(dim, bool) and dim >= 0


def _may_hold_layers(instance: Instance) -> bool:
    """Whether an attribute is a value two branches disagree on, one of which holds layers."""
    return any(
        isinstance(value, Unknown) and any(layers_in(candidate, instance.native) for candidate in value.among)
        for value in instance.attrs.values()
    )


def _tracked(instance: Instance) -> list[Any]:
    """The layers the instance holds in its attributes (Keras tracks them)."""
    found: list[Any] = []
    for value in instance.attrs.values():
        found += [layer for layer in layers_in(value, instance.native) if layer not in found]
    return found


def layers_in(value: Any, owner: Any) -> list[Any]:
    """The layers and models an attribute value of ``owner`` holds (in lists, tuples, dicts)."""
    if isinstance(value, (Layer, Model)):
        return [value] if value is not owner else []
    if isinstance(value, (list, tuple)):
        return [found for item in value for found in layers_in(item, owner)]
    if isinstance(value, dict):
        return [found for item in value.values() for found in layers_in(item, owner)]
    return []


def _same(value: Any, argument: Any) -> bool:
    """Whether an attribute holds its argument's value (then the base reads the same)."""
    if value is argument:
        return True
    if contains_unknown(value) or contains_unknown(argument) or type(value) is not type(argument):
        return False
    try:
        return bool(value == argument)
    except Exception:  # noqa: BLE001 - anything else is not the same
        return False


def _holds(value: Any, target: Any) -> bool:
    """Whether a config value is (or contains) ``target``."""
    if value is target:
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds(item, target) for item in value)
    if isinstance(value, dict):
        return any(_holds(item, target) for item in value.values())
    return False


def _first_shape(shapes: Any) -> Any:
    """The shape(s) ``build``/``compute_output_shape`` receive: tuples, or a list of them."""
    return [tuple(s) for s in shapes] if isinstance(shapes, list) else shapes


def _is_shape_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(s, (tuple, list)) for s in value)


def _as_tuples(shape: Any) -> Any:
    if _is_shape_list(shape):
        return [tuple(s) for s in shape]
    return tuple(shape) if isinstance(shape, (tuple, list)) else shape


def _shapes_of(value: Any) -> Any:
    """The shapes of a tensor or a list of tensors (MISSING for anything else)."""
    if isinstance(value, Tensor):
        return value.shape
    if isinstance(value, (list, tuple)) and value and all(isinstance(t, Tensor) for t in value):
        return [t.shape for t in value]
    return MISSING


def _as_shape(value: Any) -> Any:
    """What compute_output_shape returned, as Keras reads it."""
    if isinstance(value, list) and value and all(d is None or isinstance(d, int) for d in value):
        value = tuple(value)
    if isinstance(value, tuple) and all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
        return value
    if isinstance(value, list) and value and all(isinstance(s, tuple) for s in value):
        return [_as_shape(s) for s in value]
    return Unknown("compute_output_shape() returned an unknown shape")
