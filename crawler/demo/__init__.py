"""The bundled sample sites and the ``mirrorwatch demo`` command."""
