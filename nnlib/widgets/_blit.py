"""A FigureImage that redraws only what moves (blitting), for figures with many static parts.

Axes, ticks, titles and legends can cost 100+ ms to draw on these machines, while the
few artists a slider moves cost a few ms. So the static figure is drawn once, kept as a
pixel background, and each update pastes that background and draws the moving artists
on top, before the PNG goes to the image widget as usual.
"""

from __future__ import annotations

from matplotlib.artist import Artist

from nnlib.widgets._base import FigureImage

__all__ = ["BlitFigureImage"]


class BlitFigureImage(FigureImage):
    """Like :class:`FigureImage`, but only the artists passed to :meth:`animate` are redrawn.

    An animated artist must stay inside the area its axes had when the background was
    drawn (the axes limits are fixed), because everything else is reused pixel for pixel.
    Call :meth:`invalidate` after changing anything static (limits, ticks, contours).
    """

    def __init__(self, figsize: tuple[float, float] = (8.0, 3.2), dpi: int = 80) -> None:
        super().__init__(figsize=figsize, dpi=dpi)
        self._moving: list[Artist] = []
        self._background = None

    def animate(self, *artists: Artist) -> None:
        """Mark artists as moving: left out of the background, drawn on every redraw."""
        for artist in artists:
            artist.set_animated(True)
            self._moving.append(artist)
        self._background = None

    def invalidate(self) -> None:
        """Forget the saved background, so the next redraw draws the static parts again."""
        self._background = None

    def redraw(self) -> None:
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # the first draw lays out (constrained); later draws keep that layout
            if not self._laid_out:
                self.figure.set_layout_engine("none")
                self._laid_out = True
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._moving:
            self.figure.draw_artist(artist)
        self.send()
