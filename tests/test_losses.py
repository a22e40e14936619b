import torch
import torch.nn.functional as F

from playground import losses


def test_d_loss_is_binary_cross_entropy_with_labels_one_and_zero():
    d_real, d_fake = torch.randn(64, 1), torch.randn(64, 1)
    ref = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + \
        F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    torch.testing.assert_close(losses.d_loss_bce(d_real, d_fake), ref)


def test_generator_losses_match_their_bce_forms():
    d_fake = torch.randn(64, 1)
    # non-saturating: -E log D = BCE with label 1; minimax: E log(1 - D) = -BCE with label 0
    torch.testing.assert_close(
        losses.g_loss_nonsaturating(d_fake),
        F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake)),
    )
    torch.testing.assert_close(
        losses.g_loss_minimax(d_fake),
        -F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake)),
    )


def test_losses_reduce_per_population_member():
    d = torch.randn(3, 10, 1)
    per_member = losses.g_loss_nonsaturating(d)
    assert per_member.shape == (3,)
    torch.testing.assert_close(per_member[1], losses.g_loss_nonsaturating(d[1]))


def _logit_grad(fn, logit: float) -> float:
    d_fake = torch.tensor([[logit]], requires_grad=True)
    fn(d_fake).backward()
    return d_fake.grad.item()


def test_minimax_gradient_vanishes_where_d_is_confident_and_nonsaturating_does_not():
    confident = -8.0  # D(G(z)) = sigmoid(-8) ~ 3e-4: D is sure the sample is fake
    mm = _logit_grad(losses.g_loss_minimax, confident)
    ns = _logit_grad(losses.g_loss_nonsaturating, confident)
    assert abs(mm) < 1e-3
    assert abs(ns) > 0.99
    d = torch.sigmoid(torch.tensor(confident)).item()
    assert abs(ns / mm - (1 - d) / d) / ((1 - d) / d) < 1e-4  # ratio (1 - D) / D


def test_both_generator_losses_push_the_logit_up():
    for logit in (-3.0, 0.0, 3.0):
        assert _logit_grad(losses.g_loss_minimax, logit) < 0
        assert _logit_grad(losses.g_loss_nonsaturating, logit) < 0


def test_r1_of_a_linear_discriminator_is_the_squared_weight_norm():
    w, b = torch.tensor([[0.3], [-1.2]]), torch.tensor(0.7)
    x = torch.randn(50, 2, requires_grad=True)
    d_real = x @ w + b
    gamma = 4.0
    penalty = gamma / 2 * losses.r1_penalty(d_real, x)
    torch.testing.assert_close(penalty, torch.tensor(gamma / 2 * (0.3**2 + 1.2**2)))


def test_r1_penalty_has_a_gradient_for_d_parameters():
    w = torch.tensor([[0.3], [-1.2]], requires_grad=True)
    x = torch.randn(50, 2, requires_grad=True)
    losses.r1_penalty(torch.tanh(x @ w), x).backward()
    assert w.grad is not None and w.grad.abs().sum() > 0


def _value_and_grads(fn, *outputs):
    """fn(*outputs) and its gradient w.r.t. each output, for outputs of random values."""
    leaves = [o.clone().requires_grad_(True) for o in outputs]
    value = fn(*leaves)
    return value.detach(), torch.autograd.grad(value, leaves)


def test_least_squares_losses_match_mao_et_al_eq_2_values_and_gradients():
    d_real, d_fake = torch.randn(64, 1) * 2, torch.randn(64, 1) * 2
    n = len(d_real)
    value, (g_real, g_fake) = _value_and_grads(losses.d_loss_least_squares, d_real, d_fake)
    # 1/2 E[(D(x) - b)^2] + 1/2 E[(D(G(z)) - a)^2] with a = 0, b = 1, as mean squared errors
    ref = 0.5 * F.mse_loss(d_real, torch.ones_like(d_real)) + \
        0.5 * F.mse_loss(d_fake, torch.zeros_like(d_fake))
    torch.testing.assert_close(value, ref)
    torch.testing.assert_close(g_real, (d_real - 1) / n)
    torch.testing.assert_close(g_fake, d_fake / n)
    value, (g,) = _value_and_grads(losses.g_loss_least_squares, d_fake)
    torch.testing.assert_close(value, 0.5 * F.mse_loss(d_fake, torch.ones_like(d_fake)))
    torch.testing.assert_close(g, (d_fake - 1) / n)  # grows as D rejects the fake: no saturation


def test_hinge_losses_match_miyato_et_al_eq_16_17_values_and_gradients():
    d_real, d_fake = torch.randn(64, 1) * 2, torch.randn(64, 1) * 2
    n = len(d_real)
    value, (g_real, g_fake) = _value_and_grads(losses.d_loss_hinge, d_real, d_fake)
    ref = torch.clamp(1 - d_real, min=0).mean() + torch.clamp(1 + d_fake, min=0).mean()
    torch.testing.assert_close(value, ref)
    # a real point above the margin +1 and a fake below -1 contribute nothing
    torch.testing.assert_close(g_real, torch.where(d_real < 1, -1.0, 0.0) / n)
    torch.testing.assert_close(g_fake, torch.where(d_fake > -1, 1.0, 0.0) / n)
    assert losses.LOSSES["hinge"].g_loss is losses.g_loss_wasserstein  # G: -E[D(G(z))]


def test_wasserstein_losses_are_differences_of_means_with_constant_gradients():
    d_real, d_fake = torch.randn(64, 1) * 3, torch.randn(64, 1) * 3
    n = len(d_real)
    value, (g_real, g_fake) = _value_and_grads(losses.d_loss_wasserstein, d_real, d_fake)
    torch.testing.assert_close(value, d_fake.mean() - d_real.mean())
    torch.testing.assert_close(g_real, torch.full_like(d_real, -1 / n))
    torch.testing.assert_close(g_fake, torch.full_like(d_fake, 1 / n))
    value, (g,) = _value_and_grads(losses.g_loss_wasserstein, d_fake)
    torch.testing.assert_close(value, -d_fake.mean())
    torch.testing.assert_close(g, torch.full_like(d_fake, -1 / n))
    # adding a constant to the critic does not change its loss: the level is arbitrary
    torch.testing.assert_close(losses.d_loss_wasserstein(d_real + 5, d_fake + 5),
                               losses.d_loss_wasserstein(d_real, d_fake))


def test_gradient_penalty_of_a_linear_critic_and_its_gradient():
    w = torch.tensor([[1.5], [-2.0]], requires_grad=True)  # ||w|| = 2.5
    x = torch.randn(50, 2, requires_grad=True)
    penalty = losses.gradient_penalty(x @ w + 0.3, x)
    torch.testing.assert_close(penalty, torch.tensor((2.5 - 1) ** 2))
    (grad_w,) = torch.autograd.grad(penalty, w)
    # d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||
    torch.testing.assert_close(grad_w, 2 * (2.5 - 1) * w.detach() / 2.5)


def test_gradient_penalty_is_per_sample_on_random_inputs():
    w = torch.randn(2, 8)
    x = torch.randn(3, 40, 2, requires_grad=True)  # a population of 3
    out = torch.tanh(x @ w).sum(-1, keepdim=True)
    penalty = losses.gradient_penalty(out, x)
    assert penalty.shape == (3,)
    jac = (1 - torch.tanh(x @ w) ** 2) @ w.T  # grad_x sum_j tanh(x w_j) per sample
    ref = ((jac.detach().norm(dim=-1) - 1) ** 2).mean(-1)
    torch.testing.assert_close(penalty, ref)


def test_interpolates_lie_on_the_segment_between_real_and_fake():
    x_real, x_fake = torch.randn(20, 2), torch.randn(20, 2)
    torch.testing.assert_close(losses.interpolates(x_real, x_fake, torch.ones(20, 1)), x_real)
    torch.testing.assert_close(losses.interpolates(x_real, x_fake, torch.zeros(20, 1)), x_fake)
    eps = torch.rand(20, 1)
    mid = losses.interpolates(x_real, x_fake, eps)
    torch.testing.assert_close(mid - x_fake, eps * (x_real - x_fake))


def test_r2_is_r1_on_fake_points():
    x_fake = torch.randn(30, 2, requires_grad=True)
    d_fake = (x_fake**2).sum(-1, keepdim=True)  # grad 2x
    torch.testing.assert_close(losses.r1_penalty(d_fake, x_fake),
                               4 * (x_fake.detach() ** 2).sum(-1).mean())


def test_shown_output_is_a_probability_only_for_the_probability_games():
    d = torch.randn(2, 5, 1) * 3
    shown = losses.shown_output(d, torch.tensor([1.0, 0.0]).view(2, 1, 1))
    torch.testing.assert_close(shown[0], torch.sigmoid(d[0]))
    torch.testing.assert_close(shown[1], d[1])


def test_registry_and_catalog_name_the_same_losses_in_the_same_order():
    from playground import catalog

    assert tuple(losses.LOSSES) == catalog.NAMES
    assert {n for n, g in losses.LOSSES.items() if g.gradient_penalty} == {"wgan_gp"}
    assert losses.LOSSES["wgan_gp"].gradient_penalty == 10.0  # lambda of Gulrajani et al.
    for name, info in catalog.LOSSES.items():
        probability = info.output.kind == "probability"
        assert probability == (losses.LOSSES[name].d_loss is losses.d_loss_bce), name
