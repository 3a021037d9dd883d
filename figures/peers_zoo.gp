# The peers on the ONNX zoo (experiments/specs/peers_zoo.textproto): the
# panels of figures/peers.gp, one per model at its anchor batch. Inputs:
# `data`, the merged peers_zoo CSV; `peers`, the path of peers.gp.
regimes = "resnet50 vgg16 vgg19 mobilenet_v2 unet gpt2_small"
# Checkmate does not run on the zoo (peers_zoo.textproto says why).
planners = "store_all periodic interval_tree revolve budget rotor chen_greedy dtr mincut"
xmin = 0.05
figure_title = "tiny-backprop and the peers on the ONNX zoo: peak memory vs compute (simulated)"
load peers
