"""environment.yml (conda users) stays in step with pyproject.toml (pip users)."""

import re
import tomllib

import yaml

from analysis.paths import ROOT


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip()).groups()
    return re.sub(r"\[.*\]", "", name).lower().replace("_", "-"), spec.replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(_split(r) for r in reqs)


def _environment() -> tuple[dict[str, str], dict]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
        else:
            name, spec = _split(dep.replace("=", "==", 1) if re.match(r"^python=", dep) else dep)
            conda[name] = spec
    return conda, {"pip": pip, "channels": env["channels"]}


#: Declared in environment.yml's pip section because conda-forge does not carry them.
PIP_ONLY = ["gptables>=2.0", "afcharts>=1.2"]


def test_same_packages_and_versions():
    conda, extra = _environment()
    conda.pop("python")
    conda.pop("pip")
    from_pip = dict(_split(r) for r in extra["pip"] if r != "-e .")
    assert not set(conda) & set(from_pip)
    assert {**conda, **from_pip} == _pyproject()


def test_python_version_matches():
    conda, _ = _environment()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert conda["python"] == "==3.11"
    assert project["requires-python"].startswith(">=3.11")


def test_conda_forge_only_and_package_installed_editable():
    _, extra = _environment()
    assert extra["channels"] == ["conda-forge"]
    assert extra["pip"] == [*PIP_ONLY, "-e ."]


def _locked() -> dict[str, str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all("==" in line for line in pins), "every line of the lock pins one version"
    return {
        name.lower().replace("_", "-"): version for name, version in (p.split("==") for p in pins)
    }


def test_the_lock_pins_every_declared_package_within_its_range():
    from packaging.specifiers import SpecifierSet

    locked = _locked()
    for name, spec in _pyproject().items():
        assert name in locked, f"{name} is declared but not locked: run make lock"
        assert locked[name] in SpecifierSet(spec), f"{name}=={locked[name]} is outside {spec}"


def test_make_installs_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "-r requirements.lock" in makefile and "--no-deps -e ." in makefile
    assert "$(STAMP): pyproject.toml requirements.lock" in makefile
