# Keywatch server image: the same two commands as on a laptop (npm ci builds, keywatch serves).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci --no-audit --no-fund
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
CMD ["npx", "keywatch", "serve"]
