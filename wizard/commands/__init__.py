"""One module per command: ``register(subparsers)`` adds its options, ``run(args)`` returns the exit code."""
