"""``python -m hub`` runs the ``hub`` command (used by ``hub up`` to start services)."""

from hub.cli import main

main()
