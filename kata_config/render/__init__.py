"""Output formats. Only this package and ``kata_config.cli`` may import rich or typer."""
