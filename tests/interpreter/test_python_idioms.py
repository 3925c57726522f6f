"""Python idioms of model code (``fixtures/constructs/python_idioms.py`` checks
the numbers against Keras): what each means to the interpreter."""

from __future__ import annotations

from helpers import only_model


def test_partial_puts_its_arguments_first_and_call_keywords_win():
    model = only_model("""
        import functools
        import keras
        Dense = functools.partial(keras.layers.Dense, 4, use_bias=False)
        model = keras.Sequential([keras.Input((3,)), Dense(), Dense(use_bias=True)])
    """)
    assert [row["params"] for row in model["layers"]] == [12, 20]


def test_static_and_class_methods_bind_nothing_and_the_class():
    model = only_model("""
        import keras

        class Blocks:
            width = 6

            @staticmethod
            def dense(n):
                return keras.layers.Dense(n)

            @classmethod
            def wide(cls):
                return cls.dense(cls.width)

        blocks = Blocks()
        model = keras.Sequential([keras.Input((2,)), Blocks.dense(3), blocks.dense(4), Blocks.wide(), blocks.wide()])
    """)
    assert [row["output_shape"] for row in model["layers"]] == [[None, 3], [None, 4], [None, 6], [None, 6]]


def test_a_decorator_named_like_a_builtin_but_bound_by_the_file_is_the_files():
    model = only_model("""
        import keras

        def staticmethod(function):
            return function

        class Blocks:
            @staticmethod
            def dense(self, n):  # still a plain method: the file's decorator returns it as it is
                return keras.layers.Dense(n)

        model = keras.Sequential([keras.Input((2,)), Blocks().dense(3)])
    """)
    assert model["layers"][0]["output_shape"] == [None, 3]


def test_setattr_of_an_unreadable_name_makes_the_objects_attributes_unknown():
    model = only_model("""
        import keras

        class Config:
            pass

        config = Config()
        config.units = 4
        setattr(config, "depth", 2)
        setattr(config, NAME_FROM_ELSEWHERE, 8)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(config.units)])
    """)
    assert model["layers"][0]["params"] is None
