"""Build hook: the top-level templates/ folder ships inside the studio package, so an installed studio serves its pages.

Everything else about the package is declared in pyproject.toml.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"


class BuildPyWithTemplates(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:  # an editable install reads templates/ in the checkout itself
            shutil.copytree(TEMPLATES, Path(self.build_lib) / "studio" / "templates", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithTemplates})
