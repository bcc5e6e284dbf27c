"""One deployable function per capability; each folder declares its routes on a FunctionApi."""
