"""Runs an example script (examples/pytorch/*.py, staged in a scratch directory) as its own process.

Usage: run_example.py SCRIPT.py [ARGS...]. Exec, not runpy: resume.py --ddp spawns ranks, and
torch.multiprocessing's spawn re-imports the main module by its file.
"""
import os
import sys

script = sys.argv[1]
os.chdir(os.path.dirname(script))
os.execv(sys.executable, [sys.executable, script, *sys.argv[2:]])
