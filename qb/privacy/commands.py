"""`flask --app qb privacy …`: the processing register, and erasures made again after a restore."""

from flask.cli import AppGroup

privacy = AppGroup("privacy", help="Personal data: the processing register, erasures.")
