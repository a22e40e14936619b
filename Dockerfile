# The GAN loss playground as a public web app (README, "Deploy").
#   CPU image (default):  docker build -t gan-playground .
#   CUDA image:           docker build -t gan-playground-cuda --build-arg TORCH_INDEX=https://pypi.org/simple .
#                         (PyPI's Linux torch wheels bring their own CUDA libraries; run it with
#                         `docker run --gpus all ...` on a host with the NVIDIA container toolkit)
#   Run:                  docker run --rm -p 8501:8501 gan-playground
FROM python:3.11-slim

# The CPU wheel index keeps the image free of the several GB of CUDA packages PyPI's torch pulls.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu

# A public instance shows visitors no tracebacks and never watches its own files; the other
# server settings it needs are in .streamlit/config.toml.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none

WORKDIR /app
COPY requirements.txt .
# torch first, from TORCH_INDEX, at the version requirements.txt pins (2.13.0 accepts 2.13.0+cpu)
RUN pip install --index-url "$TORCH_INDEX" "$(grep '^torch==' requirements.txt)" \
    && pip install -r requirements.txt

COPY . .
# user id 1000: what Hugging Face Spaces runs a Docker Space as
RUN useradd --create-home --uid 1000 app
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s \
    CMD python -c "import urllib.request as u; u.urlopen('http://localhost:8501/_stcore/health', timeout=4)"
CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
