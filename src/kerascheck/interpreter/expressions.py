"""Expressions: evaluating a libcst expression to an abstract value.

Literals, names, containers, operators, attributes, subscripts and
comprehensions, as Python evaluates them, on plain data; an operand that is
unknown makes the result unknown.  An operation on a library's value (a Keras
tensor, a NumPy array) is that library's to answer.  Calls are in ``calls``.
What may or may not run (a branch of ``a if c else b`` or ``a or b`` whose
condition is unknown, a comprehension over unknown values) runs uncertainly; an
expression the interpreter does not model still evaluates what it holds, and
its value is unknown.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import libcst as cst

from kerascheck.interpreter import builtins
from kerascheck.interpreter.library import NOT_HANDLED
from kerascheck.interpreter.limits import AnalysisLimit, Unknowable
from kerascheck.interpreter.modules import ModuleState
from kerascheck.interpreter.operators import BINOPS, COMPARE, OVERLOADABLE_COMPARISONS
from kerascheck.interpreter.generators import Generators
from kerascheck.interpreter.semantics import PLAIN, SPREAD, outermost
from kerascheck.interpreter.sizes import MAX_SIZE, TOO_LARGE, WIDE, formattable, operation_size, small
from kerascheck.interpreter.values import (
    LAZY, MISSING, BoundMethod, Class, EachMethod, Function, Generator, Instance, Ref, Scope, Super,
)
from kerascheck.unknown import Unknown, contains_unknown, is_unknown

#: the methods of a model that may be one of several followed on each (``EachMethod``)
TRAINING_METHODS = frozenset({"compile", "fit", "fit_generator", "train_on_batch"})


#: the method evaluating each kind of expression (None: not modelled), by the
#: interpreter's class and the node's type
_EVALS: dict[tuple[type, type], Callable[..., Any] | None] = {}


class Expressions(Generators):
    """The expression part of the interpreter."""

    literals: dict[cst.CSTNode, Any]  # the values of the literals evaluated, by node

    def eval(self, node: cst.BaseExpression, scope: Scope) -> Any:
        kind = type(node)
        try:
            method = _EVALS[type(self), kind]
        except KeyError:  # the first expression of its kind: its method is found once
            method = _EVALS[type(self), kind] = getattr(type(self), "eval_" + kind.__name__, None)
        if method is None:
            return self.eval_unmodelled(node, scope)
        return method(self, node, scope)

    def eval_unmodelled(self, node: cst.BaseExpression, scope: Scope) -> Any:
        """An expression the interpreter does not model (a t-string...): the
        expressions it holds are evaluated, uncertainly, and its value is unknown."""
        with self.maybe(node):
            for inner in outermost(node, cst.BaseExpression, skip=(cst.Lambda,)):
                self.eval(inner, scope)
        return Unknown(f"{type(node).__name__} expressions are not interpreted")

    def eval_Name(self, node: cst.Name, scope: Scope) -> Any:
        if node.value in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.value]
        value = self.lookup(node.value, scope, node)
        if isinstance(value, (list, dict, set)) and id(value) in self.tainted:
            return Unknown(f"'{node.value}' was changed under an unknown condition")
        return value

    # --------------------------------------------------------------- literals
    def eval_Integer(self, node: cst.Integer, scope: Scope) -> Any:
        return self.literal(node)

    def eval_Float(self, node: cst.Float, scope: Scope) -> Any:
        return self.literal(node)

    def eval_Imaginary(self, node: cst.Imaginary, scope: Scope) -> Any:
        return self.literal(node)

    def eval_SimpleString(self, node: cst.SimpleString, scope: Scope) -> Any:
        try:
            return self.literal(node)
        except Exception:  # noqa: BLE001 - malformed escapes: keep going
            return Unknown("string literal")

    def literal(self, node: cst.Integer | cst.Float | cst.Imaginary | cst.SimpleString) -> Any:
        """A literal's value, computed once per node (libcst evaluates it with
        ``ast.literal_eval`` each time; the value is immutable, as Python's constants)."""
        found = self.literals.get(node, MISSING)
        if found is MISSING:
            found = self.literals[node] = literal_value(node)
        return found

    def eval_ConcatenatedString(self, node: cst.ConcatenatedString, scope: Scope) -> Any:
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        if isinstance(left, str) and isinstance(right, str):
            return self.binary(cst.Add, left, right, node)
        return Unknown("string")

    def eval_FormattedString(self, node: cst.FormattedString, scope: Scope) -> Any:
        return self.format_parts(node.parts, scope)

    def format_parts(self, parts: Any, scope: Scope) -> Any:
        """The text of f-string parts (a format spec is made of parts too), or Unknown."""
        out = []
        for part in parts:
            if type(part) is cst.FormattedStringText:
                out.append(part.value)
                continue
            value = self.eval(part.expression, scope)
            spec = self.format_parts(part.format_spec or (), scope)
            if part.equal is not None or is_unknown(spec) or not formattable(value) or WIDE.search(spec):
                return Unknown("f-string of an unknown value, or too large a one")
            conversions: dict[str, Callable[[Any], str]] = {"r": repr, "s": str, "a": ascii}
            conversion = conversions.get(part.conversion or "")
            try:
                out.append(format(conversion(value) if conversion else value, spec))
            except (TypeError, ValueError) as exc:
                return Unknown(f"f-string failed: {exc}")
        return self.made("".join(out), parts[0] if parts else None)

    def eval_Ellipsis(self, node: cst.Ellipsis, scope: Scope) -> Any:
        return Ellipsis

    # ------------------------------------------------------------- containers
    def eval_Tuple(self, node: cst.Tuple, scope: Scope) -> Any:
        items = self.eval_elements(node.elements, scope)
        return items if is_unknown(items) else self.made(tuple(items), node)

    def eval_List(self, node: cst.List, scope: Scope) -> Any:
        items = self.eval_elements(node.elements, scope)
        return items if is_unknown(items) else self.born(self.made(items, node))

    def eval_Set(self, node: cst.Set, scope: Scope) -> Any:
        items = self.eval_elements(node.elements, scope)
        if is_unknown(items) or not small(items):
            return Unknown("set of too many values")
        try:
            return self.born(self.made(set(items), node))
        except TypeError:
            return Unknown("set of unhashable values")

    def eval_elements(self, elements: Any, scope: Scope) -> Any:
        """The items of a list, tuple or set display (``*x`` spread); unknown past ``MAX_SIZE``."""
        out: list[Any] = []
        for element in elements:
            value = self.eval(element.value, scope)
            if type(element) is cst.StarredElement:
                items = self.iterate(value, element)
                if items is None:
                    out.append(Unknown(SPREAD))
                else:
                    out.extend(items)
            else:
                out.append(value)
        return Unknown(TOO_LARGE) if len(out) > MAX_SIZE else out

    def eval_Dict(self, node: cst.Dict, scope: Scope) -> Any:
        out: dict[Any, Any] = {}
        for element in node.elements:
            if type(element) is cst.StarredDictElement:
                value = self.eval(element.value, scope)
                if isinstance(value, dict):
                    out.update(value)
                else:
                    return Unknown("dict unpacking of an unknown value")
                continue
            assert isinstance(element, cst.DictElement)  # libcst's other BaseDictElement
            key = self.eval(element.key, scope)
            value = self.eval(element.value, scope)
            if is_unknown(key):
                return Unknown("dict with an unknown key")
            if not small(key):
                return Unknown("dict with too large a key")
            try:
                out[key] = value
            except TypeError:
                return Unknown("dict with an unhashable key")
        return self.born(self.made(out, node))

    # -------------------------------------------------------------- operators
    def eval_Comparison(self, node: cst.Comparison, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        result: Any = True
        for target in node.comparisons:
            right = self.eval(target.comparator, scope)
            operator = type(target.operator)
            op = COMPARE[operator]
            if len(node.comparisons) == 1 and operator in OVERLOADABLE_COMPARISONS:
                for operand in (left, right):
                    library = self.libraries.owner(operand)
                    answer = library.compare(operator, left, right, self.site(node)) if library else NOT_HANDLED
                    if answer is not NOT_HANDLED:
                        return answer
            if operator is cst.Is or operator is cst.IsNot:
                value = identity(left, right, op)
            elif isinstance(right, LAZY):  # ``x in generator`` takes its items up to ``x``
                self.lose_lazy([right], node)
                value = Unknown("whether a generator yields a value")
            elif contains_unknown(left) or contains_unknown(right) or not comparable(left, right):
                value = Unknown("comparison of unknown values")
            elif not small(left, right):
                value = Unknown("comparison of too large values")
            else:
                try:
                    value = op(left, right)
                except TypeError:
                    value = Unknown("comparison")
            if is_unknown(value):
                result = value
            elif not value:
                return False
            left = right
        return result

    def eval_BooleanOperation(self, node: cst.BooleanOperation, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        cond = self.truth(left)
        is_and = isinstance(node.operator, cst.And)
        if is_unknown(cond):
            with self.maybe(node):
                right = self.eval(node.right, scope)
            right_truth = self.truth(right)
            if is_and and right_truth is False:
                return right if isinstance(right, bool) else Unknown("boolean")
            if not is_and and right_truth is True and isinstance(right, bool):
                return True
            return Unknown("boolean of an unknown value")
        if is_and:
            return self.eval(node.right, scope) if cond else left
        return left if cond else self.eval(node.right, scope)

    def eval_UnaryOperation(self, node: cst.UnaryOperation, scope: Scope) -> Any:
        value = self.eval(node.expression, scope)
        if type(node.operator) is cst.Not:
            cond = self.truth(value)
            return cond if is_unknown(cond) else not cond
        library = self.libraries.owner(value)
        if library is not None:
            answer = library.unary(node.operator, value, self.site(node))
            if answer is not NOT_HANDLED:
                return answer
        if contains_unknown(value) or not isinstance(value, (int, float, complex, bool)):
            return Unknown("unary operation on an unknown value")
        if isinstance(node.operator, cst.Minus):
            return -value
        if isinstance(node.operator, cst.Plus):
            return +value
        return ~value  # type: ignore[operator]  # ~ of a float or complex raises TypeError (KC000)

    def eval_BinaryOperation(self, node: cst.BinaryOperation, scope: Scope) -> Any:
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binary(type(node.operator), left, right, node)

    def binary(self, op_type: type, left: Any, right: Any, node: cst.CSTNode) -> Any:
        for library in self.libraries.all:
            if isinstance(left, library.types) or isinstance(right, library.types):
                answer = library.binary(op_type, left, right, self.site(node))
                if answer is not NOT_HANDLED:
                    return answer
        if op_type is cst.Add and type(left) is type(right) and isinstance(left, (list, tuple)):
            # concatenation keeps unknown items as items (and does not scan them)
            if operation_size(op_type, left, right):
                return Unknown(TOO_LARGE)
            return self.made(left + right, node)
        if contains_unknown(left) or contains_unknown(right):
            return Unknown("arithmetic on an unknown value")
        if not (isinstance(left, PLAIN) and isinstance(right, PLAIN)):
            return Unknown("arithmetic on objects")
        if op_type is cst.Power and isinstance(right, (int, float)) and abs(right) > 10_000:
            return Unknown("power too large")
        if operation_size(op_type, left, right):
            return Unknown(TOO_LARGE)
        if op_type is cst.Modulo and isinstance(left, str):
            return self.made(percent_format(left, right), node)
        if not small(left, right):  # ``set | set``, ``dict | dict`` hash what they hold
            return Unknown(TOO_LARGE)
        try:
            return self.made(BINOPS[op_type](left, right), node)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
            return Unknown(f"arithmetic failed: {exc}")

    def eval_IfExp(self, node: cst.IfExp, scope: Scope) -> Any:
        cond = self.truth(self.eval(node.test, scope))
        if is_unknown(cond):
            with self.maybe(node):
                body, orelse = self.eval(node.body, scope), self.eval(node.orelse, scope)
            return self.join(body, orelse)
        return self.eval(node.body if cond else node.orelse, scope)

    def eval_Lambda(self, node: cst.Lambda, scope: Scope) -> Any:
        defaults = {}
        for param in (*node.params.params, *node.params.kwonly_params):
            if param.default is not None:
                defaults[param.name.value] = self.eval(param.default, scope)
        return Function("<lambda>", node, scope, defaults, scope.module or self.main)

    def eval_NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> Any:
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    # ------------------------------------------------------------- attributes
    def eval_Attribute(self, node: cst.Attribute, scope: Scope) -> Any:
        receiver = self.eval(node.value, scope)
        return self.get_attribute(receiver, node.attr.value, node)

    def training_methods(self, receiver: Unknown, name: str, node: cst.CSTNode) -> Unknown:
        """``model.compile`` on a variable that may be one of several models (one built
        here, one loaded from a file): each model it may be may be compiled or trained
        (``EachMethod``).  A library's own method only; nothing else is followed."""
        methods = []
        for candidate in receiver.among:
            if candidate is MISSING or is_unknown(candidate) or self.libraries.owner(candidate) is None:
                continue
            method = self.get_attribute(candidate, name, node)
            if self.libraries.owner(method) is not None:
                methods.append(method)
        return EachMethod(tuple(methods))

    def get_attribute(self, receiver: Any, name: str, node: cst.CSTNode) -> Any:
        if isinstance(receiver, ModuleState):
            found = self.importer.attribute(receiver, name, node)
            return Unknown(f"{receiver.name}.{name} is not defined") if found is MISSING else found
        if isinstance(receiver, Ref):
            path = f"{receiver.path}.{name}"
            constant = builtins.CONSTANTS.get(path, MISSING)
            if constant is MISSING:
                constant = self.libraries.constants.get(path, MISSING)
            return constant if constant is not MISSING else Ref(self.libraries.canonical(path))
        library = self.libraries.owner(receiver)
        if library is not None:
            instance = library.instance_of(receiver)  # an instance of a subclass: its own attributes first
            if instance is None:
                found = library.attribute(receiver, name, self.site(node))
                if found is not NOT_HANDLED:
                    return found
            else:
                receiver = instance
        if isinstance(receiver, Instance):
            if name in receiver.attrs:
                return receiver.attrs[name]
            found = receiver.cls.lookup(name)
            if isinstance(found, Function) and found.binding != "static":
                return BoundMethod(receiver.cls if found.binding == "class" else receiver, found)
            if found is not MISSING:
                return found
            native = self.libraries.owner(receiver.native) if receiver.native is not None else None
            if native is not None:
                return native.instance_attribute(receiver, name)
            return Unknown(f"{receiver.cls.name}.{name}")
        if isinstance(receiver, Super):
            return self.super_attribute(receiver, name)
        if isinstance(receiver, LAZY):  # ``send()``, ``close()``, ``__next__()``: not followed
            self.lose_lazy([receiver], node)
            return Unknown(f".{name} of a generator")
        if isinstance(receiver, Function) and name in ("__name__", "__qualname__", "__module__"):
            return receiver.module.name if name == "__module__" else receiver.name
        if isinstance(receiver, Class):
            if name == "__name__" and name not in receiver.namespace:
                return receiver.name
            found = receiver.lookup(name)
            if isinstance(found, Function) and found.binding == "class":
                return BoundMethod(receiver, found)
            return found if found is not MISSING else Unknown(f"{receiver.name}.{name}")
        if is_unknown(receiver):
            if receiver.among and name not in self.libraries.harmless:
                self.escape(receiver)  # ``model.add``: one of the values it may be may change
            if receiver.among and name in TRAINING_METHODS:
                return self.training_methods(receiver, name, node)
            return Unknown("attribute of an unknown value")
        if isinstance(receiver, PLAIN):
            if name in builtins.MUTATING_METHODS and isinstance(receiver, (list, dict, set)):
                return BoundMethod(receiver, name)
            if name in builtins.PURE_METHODS.get(type(receiver), ()):
                return BoundMethod(receiver, name)
            if isinstance(receiver, tuple) and name == "as_list":
                return BoundMethod(receiver, name)
            if type(receiver) is int and name == "value":  # TensorFlow 1's Dimension.value: a shape's size
                return receiver
            return Unknown(f".{name} of a {type(receiver).__name__}")
        return Unknown(f".{name}")

    # ------------------------------------------------------------- subscripts
    def eval_Subscript(self, node: cst.Subscript, scope: Scope) -> Any:
        container = self.eval(node.value, scope)
        key = self.eval_slice(node, scope)
        library = self.libraries.owner(container)
        if library is not None:
            found = library.subscript(container, key, self.site(node))
            if found is not NOT_HANDLED:
                return found
        if is_unknown(key) and isinstance(container, (list, tuple)) and self.iterate(container, node) is not None:
            # an unknown index or slice of a known list: one of its items, or some of them
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Slice):
                return Unknown("a slice whose bounds are unknown", within=tuple(container))
            return Unknown("an unknown index", among=tuple(container))
        if is_unknown(container) or contains_unknown(key):
            return Unknown("subscript with an unknown value")
        if not isinstance(container, PLAIN):
            return Unknown("subscript of an object")
        if isinstance(container, dict) and not small(key):
            return Unknown("subscript with too large a key")
        try:
            found = container[key]  # type: ignore[index]  # a PLAIN value that takes no index raises TypeError
        except (TypeError, IndexError, KeyError, ValueError):
            return Unknown("subscript failed")
        return self.made(found, node) if isinstance(key, slice) else found

    def eval_slice(self, node: cst.Subscript, scope: Scope) -> Any:
        keys = []
        for element in node.slice:
            item = element.slice
            if isinstance(item, cst.Index):
                keys.append(self.eval(item.value, scope))
            else:
                assert isinstance(item, cst.Slice)  # libcst's other BaseSlice
                parts = [None if p is None else self.eval(p, scope) for p in (item.lower, item.upper, item.step)]
                if contains_unknown(parts):
                    keys.append(Unknown("slice bound"))
                else:
                    keys.append(slice(*parts))
        return keys[0] if len(keys) == 1 else tuple(keys)

    # --------------------------------------------------------- comprehensions
    def eval_ListComp(self, node: cst.ListComp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), list)

    def eval_SetComp(self, node: cst.SetComp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), set)

    def eval_GeneratorExp(self, node: cst.GeneratorExp, scope: Scope) -> Any:
        """A generator expression: over a generator, itself a generator (lazy, as
        Python's); over known values, the list of its items."""
        first = self.eval(node.for_in.iter, scope)
        if isinstance(first, LAZY):
            return self.born(Generator(None, Scope(scope), expression=node, source=first))
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s), list, first)

    def run_generator_expression(self, generator: Generator) -> None:
        """The items of a lazy generator expression, each yielded as it is made."""
        expression = generator.expression

        def element(inner: Scope) -> Any:
            return self.deliver(self.eval(expression.elt, inner), expression)

        try:
            self._comp_level(expression.for_in, generator.scope, element, [], generator.source)
        except Unknowable:
            self.give_up()

    def eval_DictComp(self, node: cst.DictComp, scope: Scope) -> Any:
        return self.comprehension(node, scope, lambda s: (self.eval(node.key, s), self.eval(node.value, s)), dict)

    def comprehension(self, node: Any, scope: Scope, element: Callable[[Scope], Any], kind: type, first: Any = MISSING) -> Any:
        """A comprehension's value (``first``: its first iterable, when already evaluated)."""
        inner = Scope(scope)
        out: list[Any] = []
        try:
            self._comp_level(node.for_in, inner, element, out, first)
        except Unknowable:
            with self.maybe(node):  # what one more item would do: uncertain
                self._comp_unknown(node.for_in, Scope(scope), element)
            return Unknown("comprehension over unknown values")
        if not small(*(out if kind is set else [key for key, _ in out] if kind is dict else ())):
            return Unknown("comprehension of too large keys")
        try:
            return self.born(self.made(kind(out), node))
        except TypeError:
            return Unknown("comprehension")

    def _comp_level(self, comp: cst.CompFor, scope: Scope, element: Callable[[Scope], Any], out: list[Any], iterable: Any = MISSING) -> None:
        iterable = self.eval(comp.iter, scope) if iterable is MISSING else iterable
        if isinstance(iterable, LAZY):  # each item as the generator yields it
            count = 0

            def each(item: Any) -> bool:
                nonlocal count
                self._comp_item(comp, scope, element, out, item, count)
                count += 1
                return True

            if self.drive(iterable, each, comp) == "lost":
                raise Unknowable()
            return
        items = self.iterate(iterable, comp)
        if items is None:
            raise Unknowable()
        for count, item in enumerate(items):
            self._comp_item(comp, scope, element, out, item, count)

    def _comp_item(self, comp: cst.CompFor, scope: Scope, element: Callable[[Scope], Any], out: list[Any], item: Any, count: int) -> None:
        """One item of a comprehension's ``for``: its conditions, then the next ``for`` or the element."""
        self.tick(comp)
        if count >= self.limits.max_iterations:
            raise AnalysisLimit("a comprehension ran too long", comp)
        self.assign(comp.target, item, scope)
        for condition in comp.ifs:
            cond = self.truth(self.eval(condition.test, scope))
            if is_unknown(cond):
                raise Unknowable()
            if not cond:
                return
        if comp.inner_for_in is not None:
            self._comp_level(comp.inner_for_in, scope, element, out)
        else:
            out.append(element(scope))

    def _comp_unknown(self, comp: cst.CompFor, scope: Scope, element: Callable[[Scope], Any]) -> None:
        """One pass of a comprehension with unknown items (for what its parts do)."""
        self.eval(comp.iter, scope)
        self.assign(comp.target, Unknown("an item of unknown values"), scope)
        for condition in comp.ifs:
            self.eval(condition.test, scope)
        if comp.inner_for_in is not None:
            self._comp_unknown(comp.inner_for_in, scope, element)
        else:
            element(scope)

    def eval_Await(self, node: cst.Await, scope: Scope) -> Any:
        self.eval(node.expression, scope)
        return Unknown("await")

    def eval_Yield(self, node: cst.Yield, scope: Scope) -> Any:
        """``yield value``: the generator's consumer gets it (``generators``)."""
        value = node.value
        if isinstance(value, cst.From):
            return self.deliver_all(self.eval(value.item, scope), node)
        return self.deliver(None if value is None else self.eval(value, scope), node)


def identity(left: Any, right: Any, op: Callable[[Any, Any], Any]) -> Any:
    if is_unknown(left) or is_unknown(right):
        return Unknown("identity of an unknown value")
    return op(left, right)


#: a %-conversion with a width or precision of four digits or more, or given by ``*``
_WIDE_CONVERSION = re.compile(r"%[^%a-zA-Z]*(\d{4}|\*)")


def percent_format(text: str, values: Any) -> Any:
    """``text % values`` on plain data (``"conv_pad_%d" % block_id``), or Unknown."""
    items = values.values() if isinstance(values, dict) else [values]
    if not all(formattable(v) for v in items) or _WIDE_CONVERSION.search(text):
        return Unknown("%-formatting of an unknown value")
    try:
        return text % values
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        return Unknown(f"%-formatting failed: {exc}")


def comparable(left: Any, right: Any) -> bool:
    return isinstance(left, PLAIN) and isinstance(right, PLAIN) or left is None or right is None or (
        not isinstance(left, PLAIN) and not isinstance(right, PLAIN)
    )


def literal_value(node: cst.Integer | cst.Float | cst.Imaginary | cst.SimpleString) -> Any:
    """A literal's value: a decimal integer, or a string with no prefix, escape or
    carriage return, read from its text (most literals); any other by
    ``ast.literal_eval``, as libcst's ``evaluated_value``."""
    text = node.value
    if type(node) is cst.Integer and text.isascii() and text.isdigit() and (text[0] != "0" or text.strip("0") == ""):
        return int(text)
    if type(node) is cst.SimpleString and text[0] in "'\"" and "\\" not in text and "\r" not in text:
        quotes = 3 if text[:3] in ('"""', "'''") and len(text) >= 6 else 1
        return text[quotes:-quotes]
    return node.evaluated_value
