"""Runs a Python snippet (a documentation code block) with DIR as its working directory.

Usage: run_snippet.py DIR SNIPPET.py
"""
import os
import runpy
import sys

os.chdir(sys.argv[1])
runpy.run_path(sys.argv[2], run_name="__main__")
