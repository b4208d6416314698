"""Processes the archive spawns (a fresh interpreter each): Django is set up first, so
the function they run may import anything of the project, models included."""

import importlib

import django


def run_with_django(target: str, *args):
    """Spawn target: set Django up, then call ``target`` ("package.module:function")."""
    django.setup()
    module_name, function_name = target.split(":")
    getattr(importlib.import_module(module_name), function_name)(*args)
