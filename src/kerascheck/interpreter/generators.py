"""Generators: a call of a generator function runs nothing; its body runs as
its items are consumed.

Calling a function of the source whose body yields makes a ``Generator`` and
binds its parameters, as Python does.  Its body runs when something consumes
it: a ``for`` loop or a comprehension over it, ``next()``, a built-in that
takes every item (``list``, ``sum``, ``sorted``...), lazily through
``enumerate``, ``zip`` (with iterables of known length) and
``itertools.islice`` (a ``Stream``), or a generator expression over it (a
generator itself).  The body then runs in the consumer's
place (``drive``): at each ``yield`` the consumer gets the item and runs its
own code, then the body goes on, so the two interleave exactly as in Python,
until the consumer has what it needs (a ``break``, ``next()``'s one item,
``islice``'s ``stop``): a ``while True: ... yield batch`` data generator runs
only as far as it is consumed.

kerascheck follows a generator's body once, from its start.  When it cannot
follow it (a ``yield`` under a condition it cannot evaluate, more items asked
of a generator it stopped, a generator passed to code it cannot see such as
``model.fit``), the items from there on are unknown, and what the rest of the
body may change is made uncertain: the body runs once more, uncertainly, its
loops as loops over unknown values (``lose``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import libcst as cst

from kerascheck.interpreter.limits import Raise, Return
from kerascheck.interpreter.semantics import Semantics
from kerascheck.interpreter.sizes import range_length
from kerascheck.interpreter.values import LAZY, MISSING, Arguments, Function, Generator, Scope, Step, Stream
from kerascheck.interpreter.walk import children
from kerascheck.unknown import Unknown

#: what ``yield`` evaluates to: ``next()`` and ``for`` send nothing (``send()`` is not followed)
SENT = None
#: a consumer's answer to an item: whether it wants the next one
Feed = Callable[[Any], bool]


@dataclass(eq=False)
class Drive:
    """A generator's body being run for a consumer (``feed``); ``uncertain``,
    ``anchor`` (and its ``place``), ``depth`` and ``calls`` (the call stack's length)
    are the consumer's, to run it in its own place at each item."""

    generator: Generator
    feed: Feed
    uncertain: int
    anchor: Any
    place: Any
    depth: int
    calls: int
    error: BaseException | None = None  # what the consumer raised at an item


class _Stop(BaseException):
    """Ends a generator's body at a ``yield`` (its consumer wants no more items):
    not an ``Exception``, so that no handler of the analysed code catches it."""

    def __init__(self, drive: Drive) -> None:
        self.drive = drive


class _Lost(_Stop):
    """Ends a generator's body where what it yields stops being known."""


#: stands on the drives' stack while a generator's body runs uncertainly (``lose``)
SUMMARY = Drive(None, lambda item: False, 0, None, None, 0, 0)  # type: ignore[arg-type]


class Generators(Semantics):
    """The generator part of the interpreter."""

    drives: list[Drive]  # the generators' bodies being run, innermost last
    generator_functions: dict[cst.CSTNode, bool]

    def is_generator(self, function: Function) -> bool:
        """Whether ``function``'s own body yields (not a function or class defined in it)."""
        node = function.node
        found = self.generator_functions.get(node)
        if found is None:
            found = self.generator_functions[node] = yields(node.body)
        return found

    def make_generator(self, function: Function, scope: Scope) -> Any:
        """What calling generator function ``function`` (its parameters bound in
        ``scope``) returns: a generator whose body has not run."""
        if isinstance(function.node, cst.FunctionDef) and function.node.asynchronous is not None:
            return Unknown(f"{function.name}() is an asynchronous generator")
        return self.born(Generator(function, scope))

    def in_generator_body(self) -> bool:
        """Whether the code being run is a generator's body (or code it calls) run
        for a consumer: its loops take the consumer's budget."""
        return bool(self.drives) and self.drives[-1] is not SUMMARY

    def in_summary(self) -> bool:
        """Whether the code being run is a generator's body run uncertainly (``lose``)."""
        return bool(self.drives) and self.drives[-1] is SUMMARY

    # ---------------------------------------------------------------- running
    def drive(self, lazy: Any, feed: Feed, node: cst.CSTNode) -> str:
        """Run the body of generator ``lazy`` (or a ``Stream``'s), giving ``feed``
        each item it yields, until ``feed`` (or a step of the stream: ``zip``,
        ``islice``) wants no more.  How it ended: "done" (the body ended),
        "stopped" (at a ``yield``: ``feed`` or a step asked), or "lost" (what it
        yields from there on is unknown; the items ``feed`` got are known)."""
        stream = lazy if isinstance(lazy, Stream) else Stream(lazy)
        generator = stream.generator
        if any(pulls_nothing(step) for step in stream.steps) or generator.state == "done":
            return "done"
        if generator.state != "new" or self.in_summary():
            self.lose(generator, node)
            return "lost"
        generator.state = "running"
        drive = Drive(
            generator, through(stream.steps, feed), self.uncertain, self.anchor, self.place, self.depth, len(self.call_stack)
        )
        self.drives.append(drive)
        try:
            self.run_generator_body(generator, node)
            outcome = "done"
        except _Stop as stop:
            if stop.drive is not drive:
                raise
            outcome = "lost" if isinstance(stop, _Lost) else "stopped"
        except Raise:
            generator.state = "done"
            raise
        finally:
            self.drives.pop()
            if generator.state == "running":  # a budget ran out in its body: it is not followed further
                generator.state = "stopped"
        generator.state = "done" if outcome == "done" else "stopped"
        if drive.error is not None:
            raise drive.error
        if outcome == "lost" or generator.escaped:
            self.lose(generator, node)
        return outcome

    def run_generator_body(self, generator: Generator, node: cst.CSTNode | None) -> None:
        """Run the body of ``generator``'s function, in a frame of its own (or its
        generator expression)."""
        function = generator.function
        if function is None:
            self.run_generator_expression(generator)
            return
        body = function.node.body
        if isinstance(body, cst.BaseExpression):  # a lambda's
            self.in_frame(function, node, lambda: self.eval(body, generator.scope))
            return
        try:
            self.in_frame(function, node, lambda: self.exec_block(body, generator.scope))
        except Return:
            pass

    def deliver(self, value: Any, node: cst.CSTNode) -> Any:
        """``yield value`` in the body being run: the consumer gets ``value`` now, in
        its own place; what the ``yield`` evaluates to."""
        if not self.in_generator_body():
            return Unknown("the value sent to a generator")
        drive = self.drives[-1]
        if self.uncertain != drive.uncertain or drive.generator.escaped:  # whether this is the next item is not known
            raise _Lost(drive)
        self.drives.pop()
        inside = self.anchor, self.place, self.depth, self.call_stack[drive.calls :]
        self.anchor, self.place, self.depth = drive.anchor, drive.place, drive.depth
        del self.call_stack[drive.calls :]
        try:
            wanted = drive.feed(value)
        except BaseException as exc:  # noqa: BLE001 - the consumer's, raised again once the body has ended
            drive.error = exc
            wanted = False
        finally:
            self.anchor, self.place, self.depth = inside[:3]
            self.call_stack.extend(inside[3])
            self.drives.append(drive)
        if not wanted:
            raise _Stop(drive)
        return SENT

    def give_up(self) -> None:
        """What the generator being run yields from here on is not known."""
        if self.in_generator_body():
            raise _Lost(self.drives[-1])

    def deliver_all(self, iterable: Any, node: cst.CSTNode) -> Any:
        """``yield from iterable``: each of its items is yielded in turn."""
        if not self.in_generator_body():
            self.lose_lazy([iterable], node)
            return Unknown("the value of yield from")
        if isinstance(iterable, LAZY):
            outer = self.drives[-1]
            if self.drive(iterable, lambda item: self.deliver(item, node) is SENT, node) == "lost":
                raise _Lost(outer)
            return Unknown("what the generator returned")
        items = self.iterate(iterable, node)
        if items is None:
            raise _Lost(self.drives[-1])
        for item in items:
            self.deliver(item, node)
        return None

    def lose(self, generator: Generator, node: cst.CSTNode | None) -> None:
        """Code kerascheck does not follow may run the rest of ``generator``'s body:
        its items are unknown from now on, and what its body may change is
        uncertain (the body runs once, uncertainly, its loops as loops over
        unknown values)."""
        if generator.state == "running":
            generator.escaped = True  # lost once its body stops
            return
        if generator.state in ("lost", "done"):
            return
        generator.state = "lost"
        with self.maybe(node or generator.node):
            self.drives.append(SUMMARY)
            try:
                self.run_generator_body(generator, node)
            except Raise:
                pass
            finally:
                self.drives.pop()

    def lose_lazy(self, values: Any, node: cst.CSTNode | None) -> None:
        """Code kerascheck cannot see gets ``values``: each generator among them
        may be consumed there."""
        for value in values:
            if isinstance(value, LAZY):
                self.lose(value.generator if isinstance(value, Stream) else value, node)

    # -------------------------------------------------------------- consumers
    def lazy_items(self, lazy: Any, node: cst.CSTNode) -> list[Any] | None:
        """Every item of ``lazy`` (for what takes them all: ``list()``, ``sum()``,
        unpacking); None when they are not known, or more than
        ``Limits.max_iterations``."""
        items: list[Any] = []
        limit = self.limits.max_iterations

        def take(item: Any) -> bool:
            items.append(item)
            return len(items) <= limit

        outcome = self.drive(lazy, take, node)  # "stopped": by a step, or past the limit
        return items if outcome != "lost" and len(items) <= limit else None

    def next_item(self, lazy: Any, node: cst.CSTNode, default: Any = MISSING) -> Any:
        """``next(lazy[, default])``: its next item, known when that is its first."""
        items: list[Any] = []

        def take(item: Any) -> bool:
            items.append(item)
            return False

        outcome = self.drive(lazy, take, node)
        if items:
            return items[0]
        if outcome != "lost":  # ended (its body, or a step of the stream) before an item
            if default is MISSING:
                raise Raise()  # StopIteration
            return default
        return Unknown("the next item of a generator kerascheck cannot follow")

    def consumed(self, arguments: Arguments, node: cst.CSTNode) -> Arguments:
        """``arguments`` with each generator replaced by the list of its items, for a
        built-in that takes them all (``list``, ``sorted``, ``"".join``...)."""
        if not any(isinstance(v, LAZY) for v in (*arguments.positional, *arguments.keywords.values())):
            return arguments

        def items(value: Any) -> Any:
            if not isinstance(value, LAZY):
                return value
            found = self.lazy_items(value, node)
            return Unknown("the items of a generator kerascheck cannot follow") if found is None else found

        return Arguments([items(v) for v in arguments.positional], {k: items(v) for k, v in arguments.keywords.items()}, arguments.opaque)

    # ----------------------------------------------------------- lazy builtins
    def lazy_enumerate(self, arguments: Arguments) -> Any:
        """``enumerate(generator, start)``: lazy."""
        args = arguments.positional
        start = arguments.keywords.get("start", args[1] if len(args) > 1 else 0)
        if arguments.opaque or type(start) is not int:
            self.lose_lazy(args, None)
            return Unknown("enumerate() of a generator")
        return then(args[0], Step("enumerate", start=start))

    def lazy_zip(self, arguments: Arguments, node: cst.CSTNode) -> Any:
        """``zip(..., generator, ...)`` with the other iterables known: lazy."""
        args = arguments.positional
        position = next(i for i, a in enumerate(args) if isinstance(a, LAZY))
        others = []
        for index, value in enumerate(args):
            if index == position:
                continue
            items = None if isinstance(value, LAZY) or arguments.opaque or arguments.keywords else self.iterate(value, node)
            if items is None:
                self.lose_lazy(args, node)
                return Unknown("zip() of a generator and unknown values")
            others.append(value if isinstance(value, range) else tuple(items))  # a range: however long, not listed
        return then(args[position], Step("zip", before=tuple(others[:position]), after=tuple(others[position:])))

    def lazy_islice(self, arguments: Arguments, node: cst.CSTNode) -> Any:
        """``itertools.islice(generator, [start,] stop[, step])``: lazy."""
        args = arguments.positional
        if arguments.opaque or arguments.keywords or not 2 <= len(args) <= 4:
            self.lose_lazy(args, node)
            return Unknown("itertools.islice()")
        bounds = [0, args[1], 1] if len(args) == 2 else [*args[1:], 1][:3]
        start, stop, step = bounds[0] if bounds[0] is not None else 0, bounds[1], bounds[2] if bounds[2] is not None else 1
        if not (type(start) is int and start >= 0 and type(step) is int and step > 0 and (stop is None or type(stop) is int and stop >= 0)):
            self.lose_lazy(args, node)
            return Unknown("itertools.islice() of unknown bounds")
        return then(args[0], Step("islice", start=start, stop=stop, step=step))

    # ------------------------- implemented by the call and expression parts
    def in_frame(self, function: Function, node: cst.CSTNode | None, run: Callable[[], Any]) -> Any:
        raise NotImplementedError

    def run_generator_expression(self, generator: Generator) -> None:
        raise NotImplementedError


def then(lazy: Any, step: Step) -> Stream:
    """``lazy``'s items through one more step."""
    stream = lazy if isinstance(lazy, Stream) else Stream(lazy)
    return Stream(stream.generator, (*stream.steps, step))


def through(steps: tuple[Step, ...], feed: Feed) -> Feed:
    """``feed`` behind ``steps``: what the generator yields goes through each step
    in order (the first one first), then to ``feed``."""
    for step in reversed(steps):
        feed = _stepped(step, feed)
    return feed


def _stepped(step: Step, feed: Feed) -> Feed:
    """``feed`` behind one step; a step asks for no more items once its own are
    given (``islice`` at ``stop``, ``zip`` once a shorter iterable ends), as
    Python's do, pulling no item past them."""
    count = 0
    if step.kind == "enumerate":

        def numbered(item: Any) -> bool:
            nonlocal count
            count += 1
            return feed((step.start + count - 1, item))

        return numbered
    if step.kind == "islice":

        def sliced(item: Any) -> bool:
            nonlocal count
            index, count = count, count + 1
            wanted = True
            if index >= step.start and (index - step.start) % step.step == 0:
                wanted = feed(item)
            return wanted and (step.stop is None or count < step.stop)

        return sliced
    shortest_before = min((_length(items) for items in step.before), default=None)
    shortest_after = min((_length(items) for items in step.after), default=None)

    def zipped(item: Any) -> bool:
        nonlocal count
        index, count = count, count + 1
        if shortest_after is not None and index >= shortest_after:
            return False  # pulled, then dropped: a later iterable is exhausted
        wanted = feed((*(items[index] for items in step.before), item, *(items[index] for items in step.after)))
        return wanted and (shortest_before is None or count < shortest_before)

    return zipped


def _length(items: Any) -> int:
    return range_length(items) if isinstance(items, range) else len(items)


def pulls_nothing(step: Step) -> bool:
    """Whether a step ends before it asks the generator for an item (``zip`` with
    an empty iterable before it, ``islice(generator, 0)``)."""
    return step.kind == "zip" and any(_length(items) == 0 for items in step.before) or step.kind == "islice" and step.stop == 0


def yields(body: cst.CSTNode) -> bool:
    """Whether ``body`` holds a ``yield`` of its own (not one of a function, class
    or lambda defined in it)."""
    stack = [body]
    while stack:
        node = stack.pop()
        kind = type(node)  # (``type(x) is``: libcst's concrete classes have no subclasses)
        if kind is cst.Yield:
            return True
        if node is not body and (kind is cst.FunctionDef or kind is cst.ClassDef or kind is cst.Lambda):
            continue
        stack.extend(children(node))
    return False
