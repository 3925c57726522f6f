"""Which imported modules are followed (``interpreter.modules.Project``)."""

from pathlib import Path

from kerascheck.analysis import MENTIONS_KERAS, modelled
from kerascheck.interpreter.modules import Project


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def test_an_installed_package_follows_only_its_own_folder(tmp_path):
    lib = tmp_path / "site-packages" / "mylib"
    touch(lib, "__init__.py", "models/__init__.py", "models/net.py", "models/helpers.py", "models/numpy.py", "layers/__init__.py", "layers/blocks.py")
    project = Project.of(str(lib / "models" / "net.py"))
    assert project.package == "mylib.models"
    assert project.locate("mylib.models.helpers") == lib / "models" / "helpers.py"
    assert project.locate("mylib.models.numpy") == lib / "models" / "numpy.py"
    assert project.locate("mylib.layers.blocks") is None
    # an installed module is imported, never run as a script: its folder is not searched
    # first (``import numpy`` beside a numpy.py is numpy, as in keras/src/backend/numpy/)
    assert project.locate("helpers") is None
    assert project.locate("numpy") is None
    assert project.roots == [tmp_path / "site-packages"]


def test_a_project_follows_its_packages_and_pyproject_folder(tmp_path):
    touch(tmp_path, "pyproject.toml", "src/proj/__init__.py", "src/proj/nets/__init__.py", "src/proj/nets/net.py", "src/proj/blocks.py", "tools/util.py")
    project = Project.of(str(tmp_path / "src" / "proj" / "nets" / "net.py"))
    assert project.locate("proj.blocks") == tmp_path / "src" / "proj" / "blocks.py"
    assert project.locate("tools.util") == tmp_path / "tools" / "util.py"
    assert project.locate("numpy") is None


def test_keras_modules_are_the_catalogs_except_a_files_own_siblings(tmp_path):
    touch(
        tmp_path,
        "pyproject.toml",
        "keras/__init__.py",
        "keras/src/__init__.py",
        "keras/src/layers/__init__.py",
        "keras/src/applications/__init__.py",
        "keras/src/applications/resnet.py",
        "keras/src/applications/resnet_v2.py",
        "keras/src/applications/imagenet_utils.py",
    )
    project = Project.of(str(tmp_path / "keras" / "src" / "applications" / "resnet_v2.py"), libraries=modelled())
    assert project.locate("keras.src.applications.resnet") == tmp_path / "keras" / "src" / "applications" / "resnet.py"
    assert project.locate("keras.src.layers") is None
    assert project.locate("keras.src.applications.imagenet_utils") is None  # modelled: keras.internals
    # the interpreter alone models no library: it would follow them all
    assert Project.of(str(tmp_path / "keras" / "src" / "applications" / "resnet_v2.py")).locate("keras.src.layers")


def test_imports_of_modules_that_name_keras_are_noticed_without_parsing(tmp_path):
    touch(tmp_path, "net.py", "blocks.py", "plain.py", "pkg/__init__.py", "pkg/layers.py", "pkg/data.py", "chain.py")
    for name in ("blocks.py", "pkg/layers.py"):
        (tmp_path / name).write_text("from tensorflow import keras\n")
    (tmp_path / "chain.py").write_text("import plain\nfrom pkg import (data,\n    layers as l)\n")
    project = Project.of(str(tmp_path / "net.py"))
    assert project.reaches("import os\nfrom blocks import conv\n", MENTIONS_KERAS)
    assert project.reaches("import os, blocks as b\n", MENTIONS_KERAS)
    assert project.reaches("from pkg import data, layers\n", MENTIONS_KERAS)  # a submodule
    assert project.reaches("import chain\n", MENTIONS_KERAS)  # through a module that does not name Keras
    assert not project.reaches("import plain\nfrom pkg import data\n", MENTIONS_KERAS)
    assert not project.reaches("import os, sys\nfrom collections import deque\n", MENTIONS_KERAS)
    inside = Project.of(str(tmp_path / "pkg" / "data.py"))
    assert inside.reaches("from . import layers\n", MENTIONS_KERAS)
    assert not inside.reaches("from .. import plain\n", MENTIONS_KERAS)
    # a run remembers the modules that reach none, and reads them no more
    assert {path for _, path, _ in project.cache.unreaching} == {tmp_path / "plain.py", tmp_path / "pkg" / "__init__.py", tmp_path / "pkg" / "data.py"}
    (tmp_path / "plain.py").write_text("import keras\n")
    assert not project.reaches("import plain\n", MENTIONS_KERAS)
    assert Project.of(str(tmp_path / "net.py")).reaches("import plain\n", MENTIONS_KERAS)  # another run's cache


def test_a_file_under_tests_or_scripts_finds_the_modules_of_its_projects_root(tmp_path):
    for marker in ("pyproject.toml", "setup.py", "setup.cfg", ".git/HEAD"):
        root = tmp_path / marker.replace("/", "_")
        touch(root, marker, "resnet.py", "models/unet.py", "src/pkg/__init__.py", "src/pkg/layers.py", "tests/deep/test_net.py")
        project = Project.of(str(root / "tests" / "deep" / "test_net.py"))
        assert project.locate("resnet") == root / "resnet.py"
        assert project.locate("models.unet") == root / "models" / "unet.py"
        assert project.locate("pkg.layers") == root / "src" / "pkg" / "layers.py"
        (root / "resnet.py").write_text("import keras\n")
        assert project.reaches("import resnet\n", MENTIONS_KERAS)


def test_the_files_own_folder_is_searched_before_the_root(tmp_path):
    touch(tmp_path, "setup.py", "utils.py", "scripts/utils.py", "scripts/train.py", "scripts/__init__.py")
    assert Project.of(str(tmp_path / "scripts" / "train.py")).locate("utils") == tmp_path / "scripts" / "utils.py"
    assert Project.of(str(tmp_path / "scripts" / "train.py")).roots == [tmp_path / "scripts", tmp_path, tmp_path / "src"]


def test_the_nearest_marked_folder_is_the_root(tmp_path):
    touch(tmp_path, ".git/HEAD", "resnet.py", "sub/setup.cfg", "sub/tools/run.py")
    project = Project.of(str(tmp_path / "sub" / "tools" / "run.py"))
    assert project.locate("resnet") is None  # outside the nearest project (sub/)
    assert Project.of(str(tmp_path / "other" / "run.py")) is None  # no such file
    touch(tmp_path, "other/run.py")
    assert Project.of(str(tmp_path / "other" / "run.py")).locate("resnet") == tmp_path / "resnet.py"


def test_past_the_module_budget_an_import_is_a_diagnostic_and_the_rest_is_analysed(tmp_path):
    from kerascheck.analysis import Options, analyze_source
    from kerascheck.interpreter.modules import MAX_MODULES

    touch(tmp_path, "pyproject.toml")
    package = tmp_path / "zoo"
    package.mkdir()
    names = [f"m{i}" for i in range(MAX_MODULES + 5)]
    for name in names:
        (package / f"{name}.py").write_text(f"WIDTH_{name} = 4\n")
    (package / "__init__.py").write_text("".join(f"from .{name} import *\n" for name in names))
    main = tmp_path / "main.py"
    main.write_text(
        "import keras\nimport zoo\n"
        "a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(zoo.WIDTH_m0)])\n"
        f"b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(zoo.WIDTH_{names[-1]})])\n"
    )
    report = analyze_source(main.read_text(), str(main), Options())
    limits = [d for d in report.diagnostics if d.code == "KC002"]
    assert len(limits) == 1 and f"more than {MAX_MODULES} of the project's modules" in limits[0].message
    assert limits[0].span.line == 2
    a, b = report.models
    assert a.total == 16 and b.total is None  # a module not followed is unknown, never guessed


def test_past_the_tokens_followed_an_import_is_a_diagnostic_and_the_rest_is_analysed(tmp_path, monkeypatch):
    from kerascheck.analysis import Options, analyze_source
    from kerascheck.interpreter import modules

    monkeypatch.setattr(modules, "MAX_FOLLOWED_TOKENS", 1_000)
    touch(tmp_path, "pyproject.toml")
    (tmp_path / "small.py").write_text("WIDTH = 4\n")
    (tmp_path / "large.py").write_text("WIDTH = 5\n" + "x = 1\n" * 300)  # 1,500 tokens and more
    main = tmp_path / "main.py"
    main.write_text(
        "import keras\nimport small\nimport large\n"
        "a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(small.WIDTH)])\n"
        "b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(large.WIDTH)])\n"
    )
    report = analyze_source(main.read_text(), str(main), Options())
    (limit,) = [d for d in report.diagnostics if d.code == "KC002"]
    assert "passed 1,000 tokens: large and later ones are not followed" in limit.message and limit.span.line == 3
    a, b = report.models
    assert a.total == 16 and b.total is None


def test_an_overlay_is_read_instead_of_the_disk(tmp_path):
    """An editor's unsaved buffers: a module, and a new file, read from them."""
    from kerascheck.analysis import Options, analyze_bytes
    from kerascheck.interpreter.modules import Reads

    touch(tmp_path, "pyproject.toml")
    (tmp_path / "widths.py").write_text("UNITS = 8\n")
    (tmp_path / "plain.py").write_text("from widths import make\n")  # names no Keras: found through its imports
    main = tmp_path / "main.py"  # not on disk
    source = b"import plain\nm = plain.make()\n"
    overlay = {
        str(main): source,
        str(tmp_path / "widths.py"): b"import keras\ndef make():\n    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n",
    }
    reads = Reads(overlay)
    report = analyze_bytes(source, str(main), Options(), reads=reads)
    assert [(m.name, m.total) for m in report.models] == [("sequential", 15)]
    assert set(reads.files) == {str(tmp_path / "plain.py"), str(tmp_path / "widths.py")}
    assert analyze_bytes(source, str(main), Options()).models == []  # from the disk: no such file


def test_a_module_not_found_is_found_once_its_folder_is_searched(tmp_path):
    touch(tmp_path, "app/train.py", "lib/helpers.py")
    project = Project.of(str(tmp_path / "app" / "train.py"))
    assert project.locate("helpers") is None
    project.search(tmp_path / "lib")  # ``sys.path.append(...)``
    assert project.locate("helpers") == tmp_path / "lib" / "helpers.py"
