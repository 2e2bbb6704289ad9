"""``model.summary()``: the Keras 3 table of layers, output shapes and parameter counts.

The table is drawn as Keras 3 draws it (box characters, the same column widths: 76 characters
when output is not a terminal, up to 88 on a wide one) and aligns names with wide characters,
such as Korean, by their display width rather than their length.
"""
import shutil
import unicodedata


def display_width(text):
    """The number of terminal columns ``text`` takes (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def readable_size(num_bytes):
    """``318040`` -> ``'310.59 KB'`` (powers of 1024, two decimals, like Keras)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num_bytes / 1024 < 1:
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"


def _wrap(text, width):
    """Word-wrap ``text`` into lines of at most ``width`` display columns (long words are cut)."""
    lines, current = [], ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if display_width(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if display_width(current + ch) > width:
                lines.append(current)
                current = ""
            current += ch
    return lines + [current]


def _fit_widths(planned, borders, line_length):
    """Column widths (with one space of padding each side) after shrinking the planned widths
    evenly to fit ``line_length``, the way Keras's table renderer does."""
    widths = [w + 2 for w in planned]
    excess = sum(widths) - (line_length - borders)
    remaining, ratio = excess, len(widths)
    fitted = []
    for width in widths:
        cut = min(width, round(remaining / ratio)) if excess > 0 else 0
        fitted.append(width - cut)
        remaining -= cut
        ratio -= 1
    return fitted


def _pad(text, width, align):
    gap = max(width - display_width(text), 0)
    return " " * gap + text if align == "right" else text + " " * gap


def format_shape(shape):
    """``(None, 10)`` as Keras prints it; ``'?'`` when unknown."""
    if shape is None:
        return "?"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def _count(weights):
    return sum(v.size for v in weights)


def _nbytes(weights):
    return sum(v.value.nbytes for v in weights)


def _connections(model):
    """For a functional model that is not a simple chain: layer id -> 'name[0][0], ...';
    None when the model reads as a chain (then Keras prints three columns)."""
    tensors = getattr(model, "_tensors", None)
    if tensors is None:
        return None
    chain = len(model.inputs) == 1 and len(model.outputs) == 1
    used = {}
    for tensor in tensors:
        inbound = tensor.source[1]
        if isinstance(inbound, list):
            chain = False
        for parent in (inbound if isinstance(inbound, list) else [inbound] if inbound else []):
            used[id(parent)] = used.get(id(parent), 0) + 1
    if chain and all(count == 1 for count in used.values()):
        return None
    connections = {}
    for tensor in tensors:
        layer, inbound = tensor.source
        if inbound is None:
            continue
        parents = inbound if isinstance(inbound, list) else [inbound]
        connections[id(layer)] = ", ".join(f"{p.source[0].name}[0][0]" for p in parents)
    return connections


def summary_lines(model, line_length=None):
    """Return the summary of ``model`` as a list of lines (without newlines).

    Args:
        model: a built or unbuilt model with ``layers``, ``weights`` and ``name``.
        line_length: total width (default: 88, or the terminal's width minus 4 if smaller).
    """
    if line_length is None:
        default = 88 if _connections(model) is None else 108
        line_length = min(default, shutil.get_terminal_size().columns - 4)
    connections = _connections(model)
    if connections is None:
        headers = ("Layer (type)", "Output Shape", "Param #")
        aligns = ("left", "left", "right")
        positions = (0.45, 0.80, 1.0)
    else:
        headers = ("Layer (type)", "Output Shape", "Param #", "Connected to")
        aligns = ("left", "left", "right", "left")
        positions = (0.3, 0.56, 0.74, 1.0)
    cuts = [int(p * line_length) for p in positions]
    planned = [cut - previous for cut, previous in zip(cuts, [0] + cuts[:-1])]
    inner = _fit_widths(planned, len(planned) + 1, line_length)
    content = [w - 2 for w in inner]

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in inner) + right

    def row(cells, bar):
        wrapped = [_wrap(c, w) for c, w in zip(cells, content)]
        height = max(len(w) for w in wrapped)
        out = []
        for i in range(height):
            parts = [" " + _pad(w[i] if i < len(w) else "", cw, a) + " "
                     for w, cw, a in zip(wrapped, content, aligns)]
            out.append(bar + bar.join(parts) + bar)
        return out

    lines = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━")]
    lines += row(headers, "┃")
    lines.append(rule("┡", "╇", "┩", "━"))
    layers = model.layers
    for i, layer in enumerate(layers):
        if layer.built:
            params = f"{layer.count_params():,}"
            shape = format_shape(layer.output_shape)
        else:
            params, shape = "0 (unbuilt)", "?"
        cells = [f"{layer.name} ({type(layer).__name__})", shape, params]
        if connections is not None:
            cells.append(connections.get(id(layer), "-"))
        lines += row(cells, "│")
        if i < len(layers) - 1:
            lines.append(rule("├", "┼", "┤", "─"))
    lines.append(rule("└", "┴", "┘", "─"))

    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    optimizer = getattr(model, "optimizer", None)
    opt_vars = optimizer.variables if optimizer is not None and getattr(
        optimizer, "built", False) else None
    opt_count = sum(int(getattr(v, "size", 1)) for v in opt_vars) if opt_vars else 0
    opt_bytes = sum(int(getattr(v, "nbytes", 8)) for v in opt_vars) if opt_vars else 0
    total = _count(trainable) + _count(non_trainable) + opt_count
    total_bytes = _nbytes(trainable) + _nbytes(non_trainable) + opt_bytes
    lines.append(f" Total params: {total:,} ({readable_size(total_bytes)})")
    lines.append(f" Trainable params: {_count(trainable):,} "
                 f"({readable_size(_nbytes(trainable))})")
    lines.append(f" Non-trainable params: {_count(non_trainable):,} "
                 f"({readable_size(_nbytes(non_trainable))})")
    if opt_vars:
        lines.append(f" Optimizer params: {opt_count:,} ({readable_size(opt_bytes)})")
    return lines
