"""The subcommands of the ``numnet`` command line (see ``numnet/cli.py``).

One module per concern: ``data`` loads and shapes the datasets the commands train and
evaluate on, ``build`` makes the course networks, ``train`` runs ``numnet train``, and
``model_file`` holds ``evaluate``, ``predict`` and ``summary``, which read a saved model.
"""
