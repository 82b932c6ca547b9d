#!/usr/bin/python3
"""Independent reference numbers for LatentLab's projections (tests/engine/test_{knn,tsne,umap}*.cpp).

Run with Debian's /usr/bin/python3 (python3-sklearn, numpy, scipy). Every command reads .npy
inputs written by the test and writes its answer as .npy or one line of text; nothing here
calls LatentLab code. Commands:
  knn X.npy K OUT.npy                   exact neighbours (sklearn NearestNeighbors), self excluded
  tsne-p X.npy PERPLEXITY OUT.npy       dense joint P of t-SNE (sklearn's _joint_probabilities_nn)
  tsne-grad P.npy Y.npy EXAG OUT.npy    exact KL gradient from the formula (numpy)
  umap-graph IDX.npy DIST.npy OUT.npy   dense fuzzy union of the smooth-kNN memberships (numpy)
  umap-ab MIN_DIST SPREAD               a b of 1/(1+a d^2b) by scipy's curve_fit
  quality X.npy LABELS.npy Y.npy...     per layout Y: trustworthiness(k=10) and leave-one-out 10-NN accuracy
  umap-learn X.npy LABELS.npy SEED      trustworthiness, accuracy and seconds of umap-learn (bench/map_layouts.sh;
                                        the second of two runs, so numba's compile time is not counted)
  sklearn-tsne X.npy LABELS.npy SEED [OUT.json]
                                        the same three numbers for sklearn's TSNE of X (with OUT.json: written
                                        there with the latents' sum, the committed reference of
                                        test_map_quality; make it with tools/reference/map_quality_reference.sh)
"""
import sys

import numpy as np


def knn(args):
    from sklearn.neighbors import NearestNeighbors
    x = np.load(args[0]).astype(np.float64)
    k = int(args[1])
    nn = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(x)
    _, idx = nn.kneighbors(x)
    out = np.zeros((x.shape[0], k), dtype=np.int64)
    for i in range(x.shape[0]):
        row = [j for j in idx[i] if j != i][:k]
        out[i] = row
    np.save(args[2], out)


def tsne_p(args):
    from scipy.sparse import csr_matrix
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors
    x = np.load(args[0]).astype(np.float32)
    perplexity = float(args[1])
    n = x.shape[0]
    k = min(n - 1, int(3.0 * perplexity + 1))
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x)
    dist = nn.kneighbors_graph(mode="distance")
    dist.data **= 2
    p = _joint_probabilities_nn(csr_matrix(dist), perplexity, 0)
    np.save(args[2], p.toarray().astype(np.float32))


def tsne_grad(args):
    p = np.load(args[0]).astype(np.float64)
    y = np.load(args[1]).astype(np.float64)
    exag = float(args[2])
    diff = y[:, None, :] - y[None, :, :]
    w = 1.0 / (1.0 + (diff ** 2).sum(-1))
    np.fill_diagonal(w, 0.0)
    q = w / w.sum()
    grad = 4.0 * (((exag * p - q) * w)[:, :, None] * diff).sum(1)
    np.save(args[3], grad.astype(np.float32))


def umap_graph(args):
    idx = np.load(args[0])
    dist = np.load(args[1]).astype(np.float64)
    n, k = idx.shape
    target = np.log2(k)
    a = np.zeros((n, n))
    mean_all = dist.mean()
    for i in range(n):
        d = dist[i]
        nz = d[d > 0]
        rho = nz.min() if nz.size else 0.0
        lo, hi, mid = 0.0, np.inf, 1.0
        for _ in range(64):
            t = d[1:] - rho
            s = np.where(t > 0, np.exp(-t / mid), 1.0).sum()
            if abs(s - target) < 1e-5:
                break
            if s > target:
                hi = mid
                mid = (lo + hi) / 2
            else:
                lo = mid
                mid = mid * 2 if hi == np.inf else (lo + hi) / 2
        sigma = max(mid, 1e-3 * (d.mean() if rho > 0 else mean_all))
        for m in range(k):
            j = idx[i, m]
            if j == i:
                continue
            t = d[m] - rho
            a[i, j] = 1.0 if t <= 0 else np.exp(-t / sigma)
    g = a + a.T - a * a.T
    np.save(args[2], g.astype(np.float32))


def umap_ab(args):
    from scipy.optimize import curve_fit
    min_dist, spread = float(args[0]), float(args[1])
    xv = np.linspace(0, spread * 3, 300)
    yv = np.where(xv < min_dist, 1.0, np.exp(-(xv - min_dist) / spread))
    params, _ = curve_fit(lambda x, a, b: 1.0 / (1.0 + a * x ** (2 * b)), xv, yv)
    print(f"{params[0]:.8f} {params[1]:.8f}")


def scores(x, labels, y):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors
    t = trustworthiness(x, y, n_neighbors=10)
    _, idx = NearestNeighbors(n_neighbors=11).fit(y).kneighbors(y)
    votes = labels[idx[:, 1:]]
    pred = np.array([np.bincount(v, minlength=labels.max() + 1).argmax() for v in votes])
    return t, float((pred == labels).mean())


def quality(args):
    x = np.load(args[0]).astype(np.float64)
    labels = np.load(args[1]).astype(np.int64)
    for path in args[2:]:
        t, acc = scores(x, labels, np.load(path).astype(np.float64))
        print(f"{t:.6f} {acc:.6f}")


def sklearn_tsne(args):
    from sklearn.manifold import TSNE
    x = np.load(args[0]).astype(np.float32)
    labels = np.load(args[1]).astype(np.int64)
    import time
    t0 = time.time()
    y = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=int(args[2]),
             method="barnes_hut").fit_transform(x)
    seconds = time.time() - t0
    t, acc = scores(x.astype(np.float64), labels, y)
    print(f"{t:.6f} {acc:.6f} {seconds:.1f}")
    if len(args) > 3:
        import json
        import sklearn
        with open(args[3], "w") as f:
            json.dump({"what": "sklearn.manifold.TSNE(perplexity=30, init='pca', learning_rate='auto', "
                               f"random_state={args[2]}) of the latents, scored by this script's scores()",
                       "sklearn": sklearn.__version__, "count": int(x.shape[0]),
                       "latent_sum": float(x.astype(np.float64).sum()),
                       "trustworthiness": round(t, 6), "knn_accuracy": round(acc, 6)}, f, indent=1)
            f.write("\n")


def umap_learn(args):
    import time
    import umap
    x = np.load(args[0]).astype(np.float32)
    labels = np.load(args[1]).astype(np.int64)
    for _ in range(2):  # warm: the first run compiles numba kernels
        t0 = time.time()
        y = umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=int(args[2])).fit_transform(x)
        seconds = time.time() - t0
    t, acc = scores(x.astype(np.float64), labels, y)
    print(f"{t:.6f} {acc:.6f} {seconds:.1f}")


COMMANDS = {"umap-learn": umap_learn, "knn": knn, "tsne-p": tsne_p, "tsne-grad": tsne_grad, "umap-graph": umap_graph, "umap-ab": umap_ab,
            "quality": quality, "sklearn-tsne": sklearn_tsne}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
