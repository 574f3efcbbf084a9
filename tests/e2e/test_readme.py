"""The README describes every command of the CLI."""


def test_every_command_is_in_the_readme():
    from crawler.cli import cli
    from tests.support.databases import REPO

    import click

    readme = (REPO / "README.md").read_text()
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)  # the commands load lazily: cli.commands holds only those used so far
    assert "crawl" in names and "export" in names
    for name, command in ((name, cli.get_command(ctx, name)) for name in names):
        assert f"mirrorwatch {name}" in readme, f"README.md does not describe `mirrorwatch {name}`"
        for sub in getattr(command, "commands", {}):
            assert f"mirrorwatch {name} {sub}" in readme
