"""Interactive explorers: sliders wired to nnlib, each drawn live into an image.

Every ``*_explorer`` function builds and returns an :class:`~nnlib.widgets._base.Explorer`
(an ``ipywidgets.VBox``): display it, or set ``explorer.controls[name].value`` and read
``explorer.state`` and ``explorer.readout.value``.
"""

from nnlib.widgets._base import Explorer, FigureImage

# One import line per chapter's explorers (kept in reading order).
from nnlib.widgets.softmax import softmax_overflow_explorer
from nnlib.widgets.descent import descent_explorer
from nnlib.widgets.losses import loss_explorer
from nnlib.widgets.perceptron import perceptron_explorer
from nnlib.widgets.activations import activation_explorer
from nnlib.widgets.training import training_explorer
