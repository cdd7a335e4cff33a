"""Runs a documentation code block with DIR as working directory and first on sys.path (for pthlab_arch).

Usage: run_block.py DIR BLOCK.py
"""
import os
import runpy
import sys

os.chdir(sys.argv[1])
sys.path.insert(0, sys.argv[1])
runpy.run_path(sys.argv[2], run_name="__main__")
