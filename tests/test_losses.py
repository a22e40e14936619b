import torch
import torch.nn.functional as F

from playground import losses


def test_d_loss_is_binary_cross_entropy_with_labels_one_and_zero():
    d_real, d_fake = torch.randn(64, 1), torch.randn(64, 1)
    ref = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real)) + \
        F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))
    torch.testing.assert_close(losses.d_loss(d_real, d_fake), ref)


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


def test_registry_names_the_card_losses():
    assert set(losses.LOSSES) == {"minimax", "nonsaturating"}
