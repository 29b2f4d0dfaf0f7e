"""The README's settings table is the one generated from the settings classes."""

from pathlib import Path

from wiretrace import settings_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_settings_table_is_generated_from_the_settings_classes() -> None:
    readme = README.read_text()
    assert settings_table.replaced(readme) == readme, (
        "README.md's settings table is out of date: run `python -m wiretrace.settings_table "
        "--write`")


def test_every_setting_is_documented() -> None:
    for _, cls in settings_table.CLASSES:
        missing = [n for n, f in cls.model_fields.items() if not f.description]
        assert not missing, f"{cls.__name__}: no docstring for {missing}"
