"""``plot_model``: a diagram of a model's layers and connections, drawn with matplotlib.

Keras draws this diagram with pydot and Graphviz; numnet draws it itself, so nothing beyond
matplotlib has to be installed. The layout follows the layered ("Sugiyama") recipe Graphviz
uses for such graphs, in a small form:

1. every layer is a box; its *depth* is the longest path from an input to it, and boxes of the
   same depth share a row (``rankdir='TB'``) or a column (``'LR'``);
2. a connection that skips rows passes through invisible waypoints in the rows between, so it
   is routed around the boxes there instead of through them;
3. the boxes of a row are ordered so that few connections cross (each box moves towards the
   average position of its neighbours in the row above, then below), and each box is centred
   under the boxes that feed it, pushed sideways only as far as needed not to overlap.

Sizes are computed in points (1/72 inch) from the measured width of each text, so the figure is
exactly as large as its content.
"""
import numbers

UNBUILT_MESSAGE = ("This model has not yet been built. Build the model first by calling "
                   "`build()` or by calling the model on a batch of data (or start it with "
                   "`keras.Input(shape=...)`).")
RANKDIRS = ("TB", "LR", "BT", "RL")

# Geometry, in points.
HEADER_FONT = 11.0
CELL_FONT = 9.5
PAD_X = 7.0            # text to cell border, sideways
PAD_Y = 4.0            # text to cell border, up and down
RANK_GAP = 34.0        # between rows of boxes (TB), for the arrows
RANK_GAP_LR = 46.0     # between columns of boxes (LR)
NODE_GAP = 22.0        # between two boxes of the same row
WAYPOINT_GAP = 10.0    # between a box and a passing connection
MARGIN = 10.0

HEADER_COLOR = "black"
EDGE_COLOR = "#333333"
TRAINABLE_COLOR = "forestgreen"
FROZEN_COLOR = "firebrick"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False):
    """Draw ``model`` as boxes (one per layer) joined by arrows, and save the picture.

    Works for ``Sequential`` models (a chain that starts with the input box) and for functional
    models (``keras.Model(inputs, outputs)``) with several inputs, branches and merges. Each box
    shows, like Keras 3's diagram, a dark title row ``name (ClassName)``, and on request a row
    ``Activation: relu`` and a row of ``Input shape: (None, 28, 28)`` / ``Output shape: ...`` /
    ``Output dtype`` / ``Trainable`` cells. Korean names are drawn with an installed CJK font
    (see ``numnet.plot.cjk_font``).

    Args:
        model: a built numnet model (``Sequential`` or functional ``Model``).
        to_file: where to save the picture (default ``'model.png'``); the extension picks the
            format: ``.png``, ``.pdf``, ``.svg``, ``.jpg``... (no extension: PNG). The file is
            written atomically (a temporary file in the same folder, then renamed). None: save
            nothing, only return the figure.
        show_shapes: add the input and output shape of each layer (default False).
        show_dtype: add the output dtype of each layer (default False).
        show_layer_names: title each box ``name (ClassName)``; when False only ``ClassName``
            (default False, as in Keras 3).
        rankdir: the direction of the flow: ``'TB'`` top to bottom (default), ``'LR'`` left to
            right, ``'BT'`` bottom to top, ``'RL'`` right to left (case-insensitive).
        expand_nested: accepted for Keras compatibility (default False). numnet models cannot
            contain other models yet, so every box is a layer and this changes nothing.
        dpi: dots per inch of raster files such as PNG (default 200, as Keras); lowered
            automatically where a very large model would exceed 65,000 pixels.
        show_layer_activations: add ``Activation: <name>`` for layers that have an
            ``activation`` (default False).
        show_trainable: add a green ``Trainable`` or red ``Non-trainable`` cell to layers that
            have weights (default False).
    Returns:
        The matplotlib ``Figure`` of the diagram (Keras returns an IPython ``Image`` of the
        file instead). ``plt.show()`` or a notebook displays it; ``fig.savefig(...)`` saves it
        again in another format.
    Raises:
        ValueError: the model is not built, or an argument has a value that is not allowed
            (e.g. ``rankdir='UD'``, ``dpi=0``, ``to_file='model.xyz'``).
        TypeError: ``model`` is not a numnet model, or a flag is not True/False.
        FileNotFoundError: the folder of ``to_file`` does not exist.
    """
    from .. import plot as plot_module

    if not hasattr(model, "layers") or not hasattr(model, "built"):
        raise TypeError(f"plot_model: model must be a numnet model (Sequential or Model); "
                        f"received {model!r} of type {type(model).__name__}.")
    if not model.built:
        raise ValueError(UNBUILT_MESSAGE)
    flags = {}
    for argument, value in (("show_shapes", show_shapes), ("show_dtype", show_dtype),
                            ("show_layer_names", show_layer_names),
                            ("expand_nested", expand_nested),
                            ("show_layer_activations", show_layer_activations),
                            ("show_trainable", show_trainable)):
        flags[argument] = _flag(value, argument)
    if not isinstance(rankdir, str) or rankdir.upper() not in RANKDIRS:
        raise ValueError(f"plot_model: rankdir must be one of {', '.join(RANKDIRS)} ('TB': top "
                         f"to bottom, 'LR': left to right); received {rankdir!r}.")
    rankdir = rankdir.upper()
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Real) or not 0 < dpi < float("inf"):
        raise ValueError(f"plot_model: dpi must be a positive number of dots per inch such as "
                         f"200; received {dpi!r}.")
    if to_file is not None:
        to_file, _ = plot_module.check_to_file(to_file)

    nodes, edges = model_graph(model)
    plt = plot_module._pyplot()
    with plot_module._text_context():
        measure = _TextMeasure()
        boxes = [_Box(node, flags, measure) for node in nodes]
        placed = layout([(b.width, b.height) for b in boxes], edges, rankdir)
        fig = _draw(plt, boxes, placed)
        manager = getattr(fig.canvas, "manager", None)
        if manager is not None and hasattr(manager, "set_window_title"):
            manager.set_window_title(str(model.name))
        if to_file is not None:
            plot_module.save_figure(fig, to_file, dpi=dpi)
    return fig


def _flag(value, argument):
    if isinstance(value, bool) or (isinstance(value, numbers.Integral) and value in (0, 1)):
        return bool(value)
    if type(value).__name__ == "bool_":  # numpy.bool_
        return bool(value)
    raise TypeError(f"plot_model: {argument} must be True or False; received {value!r}.")


# --------------------------------------------------------------------------- the graph
class GraphNode:
    """One box of the diagram: a layer, the shapes of its input(s) and of its output."""

    def __init__(self, layer, input_shapes, output_shape, dtype):
        self.layer = layer
        self.input_shapes = input_shapes  # a shape, a list of shapes, or None (an input)
        self.output_shape = output_shape
        self.dtype = dtype


def model_graph(model):
    """The boxes and arrows of ``model``: ``(nodes, edges)``.

    ``nodes`` is a list of ``GraphNode`` in an order where every layer comes after the layers
    feeding it, inputs first; ``edges`` a list of ``(source index, target index)`` pairs.
    A functional model's graph comes from its symbolic tensors (``tensor.source = (layer,
    inbound)``); a built ``Sequential`` has the same graph, starting at its input layer.
    """
    from ..models.functional import topological_tensors

    inputs = list(getattr(model, "_inputs", None) or [])
    tensors = getattr(model, "_tensors", None)
    outputs = getattr(model, "_outputs", None)
    if tensors is None and outputs:
        tensors = topological_tensors(list(outputs))
    if tensors is None:  # built layer by layer without a symbolic input: a plain chain
        layers = list(model.layers)
        nodes = [GraphNode(layer, getattr(layer, "input_shape", None),
                           getattr(layer, "output_shape", None), getattr(layer, "dtype", None))
                 for layer in layers]
        return nodes, [(i, i + 1) for i in range(len(nodes) - 1)]

    nodes, edges, seen_edges = [], [], set()
    layer_node, tensor_node = {}, {}
    for tensor in inputs + list(tensors):
        if id(tensor) in tensor_node:
            continue
        layer, inbound = tensor.source
        parents = [] if inbound is None else (list(inbound) if isinstance(inbound, (list, tuple))
                                              else [inbound])
        if id(layer) in layer_node:  # a layer called twice (not supported by numnet yet)
            index = layer_node[id(layer)]
        else:
            if inbound is None:
                shapes = None
            elif isinstance(inbound, (list, tuple)):
                shapes = [tuple(p.shape) for p in parents]
            else:
                shapes = tuple(inbound.shape)
            index = len(nodes)
            nodes.append(GraphNode(layer, shapes, tuple(tensor.shape), tensor.dtype))
            layer_node[id(layer)] = index
        tensor_node[id(tensor)] = index
        for parent in parents:
            source = tensor_node.get(id(parent))
            edge = (source, index)
            if source is not None and source != index and edge not in seen_edges:
                seen_edges.add(edge)
                edges.append(edge)
    return nodes, edges


def format_shape(shape):
    """A shape as Keras 3's diagram writes it: ``(None, 28, 28)``, ``[(None, 3), (None, 4)]``,
    ``?`` when unknown."""
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return str(tuple(shape))


def activation_name(layer):
    """The name of ``layer.activation`` (``'relu'``...), or None for layers without one."""
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    if isinstance(activation, str):
        return activation
    try:
        from ..activations import serialize

        return serialize(activation)
    except (ValueError, TypeError, KeyError):
        return getattr(activation, "name", None) or getattr(activation, "__name__", None) \
            or str(activation)


# --------------------------------------------------------------------------- the boxes
class _TextMeasure:
    """Width of a text in points, measured with the Agg renderer (at 720 dpi, for precision)."""

    def __init__(self):
        from matplotlib.backends.backend_agg import RendererAgg

        self._renderer = RendererAgg(1, 1, 720)
        self._cache = {}

    def width(self, text, size, weight):
        key = (text, size, weight)
        if key not in self._cache:
            from matplotlib.font_manager import FontProperties

            prop = FontProperties(size=size, weight=weight)
            width, _, _ = self._renderer.get_text_width_height_descent(text, prop, ismath=False)
            self._cache[key] = width / 10.0
        return self._cache[key]


class _Cell:
    """A cell of a box: text pieces ``(text, weight)`` on a background colour."""

    def __init__(self, pieces, measure, size=CELL_FONT, background="white", color="black"):
        # A little slack after each piece: at low resolution hinting widens glyphs slightly.
        self.pieces = [(text, weight, measure.width(text, size, weight) + 0.08 * size)
                       for text, weight in pieces]
        self.size = size
        self.background = background
        self.color = color
        self.text_width = sum(w for _, _, w in self.pieces)
        self.natural_width = self.text_width + 2 * PAD_X
        self.width = self.natural_width


class _Box:
    """The table drawn for one layer: rows of cells, all rows as wide as the widest."""

    def __init__(self, node, flags, measure):
        from ..layers.input_layer import InputLayer  # here: numnet.utils loads before layers

        layer = node.layer
        class_name = type(layer).__name__
        if flags["show_layer_names"]:
            title = [(str(layer.name), "bold"), (f" ({class_name})", "normal")]
        else:
            title = [(class_name, "bold")]
        rows = [[_Cell(title, measure, HEADER_FONT, HEADER_COLOR, "white")]]
        activation = activation_name(layer) if flags["show_layer_activations"] else None
        if activation is not None:
            rows.append([_Cell([("Activation: ", "normal"), (activation, "bold")], measure)])
        cells = []
        if flags["show_shapes"]:
            if not isinstance(layer, InputLayer):
                cells.append(_Cell([("Input shape: ", "normal"),
                                    (format_shape(node.input_shapes), "bold")], measure))
            cells.append(_Cell([("Output shape: ", "normal"),
                                (format_shape(node.output_shape), "bold")], measure))
        if flags["show_dtype"]:
            cells.append(_Cell([("Output dtype: ", "normal"), (str(node.dtype or "?"), "bold")],
                               measure))
        if flags["show_trainable"] and getattr(layer, "weights", None):
            trainable = bool(getattr(layer, "trainable", True))
            cells.append(_Cell([("Trainable" if trainable else "Non-trainable", "bold")],
                               measure, background=TRAINABLE_COLOR if trainable
                               else FROZEN_COLOR, color="white"))
        if cells:
            rows.append(cells)
        self.rows = rows
        self.row_heights = [row[0].size * 1.3 + 2 * PAD_Y for row in rows]
        self.width = max(sum(c.natural_width for c in row) for row in rows)
        for row in rows:  # share the spare width of a narrower row among its cells
            spare = (self.width - sum(c.natural_width for c in row)) / len(row)
            for cell in row:
                cell.width = cell.natural_width + spare
        self.height = sum(self.row_heights)


# --------------------------------------------------------------------------- the layout
class Placement:
    """Where everything goes: box centres and arrow paths, in points, y pointing down."""

    def __init__(self, centers, paths, width, height):
        self.centers = centers  # one (x, y) per box
        self.paths = paths      # one list of (x, y) points per edge, in ``edges`` order
        self.width = width
        self.height = height


def layout(sizes, edges, rankdir="TB"):
    """Place boxes of ``sizes`` (``(width, height)`` in points) joined by ``edges``.

    Args:
        sizes: one ``(width, height)`` per box, boxes listed so that an edge goes from a lower
            to a higher index (inputs first).
        edges: ``(source, target)`` index pairs.
        rankdir: ``'TB'``, ``'LR'``, ``'BT'`` or ``'RL'`` (default ``'TB'``).
    Returns:
        A ``Placement``.
    """
    n = len(sizes)
    horizontal = rankdir in ("LR", "RL")
    # "along" runs with the flow, "across" within one rank.
    along_size = [w if horizontal else h for w, h in sizes]
    across_size = [h if horizontal else w for w, h in sizes]

    # 1. depth = longest path from an input
    depth = [0] * n
    for target in range(n):
        for source, t in edges:
            if t == target and source < target:
                depth[target] = max(depth[target], depth[source] + 1)

    # 2. vertices: the boxes, plus one waypoint per rank an edge skips
    rank = list(depth)
    size = list(across_size)
    up = [[] for _ in range(n)]
    down = [[] for _ in range(n)]
    chains = []
    for source, target in edges:
        chain = [source]
        if depth[target] > depth[source]:
            for r in range(depth[source] + 1, depth[target]):
                rank.append(r)
                size.append(0.0)
                up.append([])
                down.append([])
                chain.append(len(rank) - 1)
        chain.append(target)
        for a, b in zip(chain, chain[1:]):
            if rank[b] == rank[a] + 1:
                down[a].append(b)
                up[b].append(a)
        chains.append(chain)
    count = len(rank)
    ranks = [[] for _ in range(max(rank, default=0) + 1)]
    for v in range(count):
        ranks[rank[v]].append(v)

    # 3. order within ranks: move towards the mean position of the neighbours
    position = {}

    def renumber():
        for members in ranks:
            for i, v in enumerate(members):
                position[v] = i

    renumber()
    sweeps = [range(1, len(ranks)), range(len(ranks) - 2, -1, -1), range(1, len(ranks))]
    for sweep, neighbours in zip(sweeps, (up, down, up)):
        for r in sweep:
            ranks[r].sort(key=lambda v: (
                sum(position[u] for u in neighbours[v]) / len(neighbours[v])
                if neighbours[v] else position[v], position[v]))
            renumber()

    # 4. across coordinate: centred under the vertices above, without overlapping
    across = [0.0] * count

    def separation(a, b):
        gap = NODE_GAP if a < n and b < n else WAYPOINT_GAP
        return (size[a] + size[b]) / 2 + gap

    for r, members in enumerate(ranks):
        wanted = []
        for v in members:
            above = up[v]
            wanted.append(sum(across[u] for u in above) / len(above) if r and above else None)
        if all(w is None for w in wanted):
            wanted = [0.0] * len(members)
        else:
            wanted = [w if w is not None else 0.0 for w in wanted]
        placed = []
        for i, v in enumerate(members):
            x = wanted[i] if i == 0 else max(wanted[i], placed[-1] + separation(members[i - 1],
                                                                                  v))
            placed.append(x)
        shift = sum(w - p for w, p in zip(wanted, placed)) / len(members)
        if r == 0:
            shift = -(placed[0] - size[members[0]] / 2 + placed[-1] + size[members[-1]] / 2) / 2
        for v, x in zip(members, placed):
            across[v] = x + shift

    # 5. along coordinate: each rank a band as thick as its thickest box
    gap = RANK_GAP_LR if horizontal else RANK_GAP
    band_start, thickness, cursor = [], [], 0.0
    for members in ranks:
        thick = max((along_size[v] for v in members if v < n), default=0.0)
        band_start.append(cursor)
        thickness.append(thick)
        cursor += thick + gap
    total_along = cursor - gap
    center_along = [band_start[rank[v]] + thickness[rank[v]] / 2 for v in range(count)]

    # 6. arrows: leave the source's far side, enter the target's near side; several arrows on
    # one side are spread out so that they do not meet in one point
    outgoing = [[] for _ in range(n)]
    incoming = [[] for _ in range(n)]
    for e, chain in enumerate(chains):
        outgoing[chain[0]].append((across[chain[1]], e))
        incoming[chain[-1]].append((across[chain[-2]], e))
    start_offset, end_offset = {}, {}
    for box in range(n):
        for ports, offsets in ((outgoing[box], start_offset), (incoming[box], end_offset)):
            ports.sort()
            k = len(ports)
            step = min(14.0, 0.7 * across_size[box] / (k - 1)) if k > 1 else 0.0
            for i, (_, e) in enumerate(ports):
                offsets[e] = (i - (k - 1) / 2) * step
    paths = []
    for e, chain in enumerate(chains):
        source, target = chain[0], chain[-1]
        points = [(center_along[source] + along_size[source] / 2,
                   across[source] + start_offset[e])]
        for v in chain[1:-1]:
            points.append((band_start[rank[v]], across[v]))
            points.append((band_start[rank[v]] + thickness[rank[v]], across[v]))
        points.append((center_along[target] - along_size[target] / 2,
                       across[target] + end_offset[e]))
        paths.append(points)

    # 7. to figure coordinates (points, origin top left, y down) with a margin
    low = min((across[v] - size[v] / 2 for v in range(count)), default=0.0)
    high = max((across[v] + size[v] / 2 for v in range(count)), default=0.0)

    def to_xy(along_value, across_value):
        a = along_value if rankdir in ("TB", "LR") else total_along - along_value
        c = across_value - low
        return (MARGIN + a, MARGIN + c) if horizontal else (MARGIN + c, MARGIN + a)

    centers = [to_xy(center_along[v], across[v]) for v in range(n)]
    paths = [[to_xy(a, c) for a, c in points] for points in paths]
    extent_across = high - low + 2 * MARGIN
    extent_along = total_along + 2 * MARGIN
    width, height = (extent_along, extent_across) if horizontal else (extent_across, extent_along)
    return Placement(centers, paths, width, height)


# --------------------------------------------------------------------------- drawing
def _draw(plt, boxes, placed):
    from matplotlib.patches import FancyArrowPatch, Rectangle
    from matplotlib.path import Path

    fig = plt.figure(figsize=(placed.width / 72.0, placed.height / 72.0))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, placed.width)
    ax.set_ylim(placed.height, 0)  # y down, like the layout
    ax.set_axis_off()
    for points in placed.paths:
        ax.add_patch(FancyArrowPatch(path=Path(points), arrowstyle="-|>", mutation_scale=11,
                                     color=EDGE_COLOR, linewidth=1.3, zorder=1))
    for box, (cx, cy) in zip(boxes, placed.centers):
        left, top = cx - box.width / 2, cy - box.height / 2
        y = top
        for row, row_height in zip(box.rows, box.row_heights):
            x = left
            for cell in row:
                ax.add_patch(Rectangle((x, y), cell.width, row_height, facecolor=cell.background,
                                       edgecolor="black", linewidth=0.8, zorder=2))
                text_x = x + (cell.width - cell.text_width) / 2
                baseline = y + row_height / 2 + 0.36 * cell.size
                for text, weight, width in cell.pieces:
                    ax.text(text_x, baseline, text, fontsize=cell.size, fontweight=weight,
                            color=cell.color, ha="left", va="baseline", parse_math=False,
                            zorder=3)
                    text_x += width
                x += cell.width
            y += row_height
        ax.add_patch(Rectangle((left, top), box.width, box.height, facecolor="none",
                               edgecolor="black", linewidth=1.2, zorder=3))
    return fig
