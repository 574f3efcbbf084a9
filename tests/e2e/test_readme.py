"""The README describes every command of the CLI."""


def test_every_command_is_in_the_readme():
    from crawler.cli import cli
    from tests.support.databases import REPO

    readme = (REPO / "README.md").read_text()
    for name, command in cli.commands.items():
        assert f"mirrorwatch {name}" in readme, f"README.md does not describe `mirrorwatch {name}`"
        for sub in getattr(command, "commands", {}):
            assert f"mirrorwatch {name} {sub}" in readme
