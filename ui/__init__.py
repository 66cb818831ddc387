"""The Gradio page (``policyqa serve``): a thin layer over the assistant's Python API.

``server`` prepares the index and serves; ``page`` assembles the tabs (``chat_tab``,
``compliance_tab``, ``compare_tab``, ``library_tab``, ``eval_tab``) and the ``ask`` endpoint; the
``*_view`` modules turn domain objects into HTML, escaping every piece of text through ``html.esc``.
"""
