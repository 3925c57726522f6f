"""The language server, ``kerascheck server``: diagnostics, shapes and counts in the editor.

It speaks the Language Server Protocol over standard input and output, on
pygls and lsprotocol (the ``server`` extra: ``pip install 'kerascheck[server]'``).
Only ``app`` and ``protocol`` import them; the command line imports this
package only when ``kerascheck server`` runs.
"""
