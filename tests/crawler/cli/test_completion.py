"""Shell completion, as the README's "Shell completion" section tells a user to load it."""

import os
import subprocess
import sys


def _complete(shell_var: str, words: str, cword: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "_MIRRORWATCH_COMPLETE": shell_var, "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    return subprocess.run([sys.executable, "-m", "crawler"], env=env, capture_output=True, text=True, timeout=60)


def test_bash_source_prints_a_completion_script():
    out = _complete("bash_source", "", 0)
    assert out.returncode == 0, out.stderr
    assert "complete -o nosort -F _mirrorwatch_completion mirrorwatch" in out.stdout


def test_commands_and_subcommands_complete():
    assert "plain,sources" in _complete("bash_complete", "mirrorwatch sou", 1).stdout.splitlines()
    subcommands = _complete("bash_complete", "mirrorwatch sources ", 2).stdout.splitlines()
    assert {"plain,add", "plain,test"} <= set(subcommands)
